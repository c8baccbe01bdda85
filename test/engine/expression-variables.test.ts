import { describe, expect, it } from "vitest";
import { ConfigError, Fairway } from "../../src/index.js";
import { createServer } from "../../src/server/index.js";
import { EVENT_KEY, memoryLogger } from "../server/helpers/test-server.js";
import { makeFairway, runOf } from "./helpers.js";

const noop = async () => null;

function defineError(define: (fairway: Fairway) => unknown): ConfigError {
  const fairway = new Fairway({ id: "x", store: "memory", logger: memoryLogger() });
  try {
    define(fairway);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error("no error");
}

describe("expressions are checked against the variables they may use, at definition", () => {
  it("a trigger if over an undeclared variable is a ConfigError naming the field", () => {
    const error = defineError((f) => f.createFunction({ id: "f" }, { event: "a", if: "foo.bar == 1" }, noop));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.path).toBe("triggers[0].if");
    expect(error.message).toBe(
      'triggers[0].if: cannot be evaluated: Unknown variable: foo (it may use event) (received "foo.bar == 1")',
    );
    // `async` exists only where a candidate event is matched (waits, cancelOn).
    expect(
      defineError((f) =>
        f.createFunction({ id: "f", triggers: [{ event: "a" }, { event: "b", if: "async.x" }] }, noop),
      ).path,
    ).toBe("triggers[1].if");
  });

  it("a trigger if that cannot type-check is refused too", () => {
    expect(
      defineError((f) => f.createFunction({ id: "f" }, { event: "a", if: '1 + "a" == 2' }, noop)).rule,
    ).toMatch(/^cannot be evaluated: no such overload/);
  });

  it("flow-control keys see event only; cancelOn's if also async", () => {
    const key = defineError((f) =>
      f.createFunction({ id: "f", concurrency: { limit: 1, key: "user.id" } }, { event: "a" }, noop),
    );
    expect(key.message).toMatch(
      /^concurrency.key: cannot be evaluated: Unknown variable: user \(it may use event\)/,
    );
    expect(
      defineError((f) =>
        f.createFunction(
          { id: "f", rateLimit: { limit: 1, period: "1m", key: "async.id" } },
          { event: "a" },
          noop,
        ),
      ).path,
    ).toBe("rateLimit.key");
    const fairway = new Fairway({ id: "ok", store: "memory", logger: memoryLogger() });
    expect(() =>
      fairway.createFunction(
        {
          id: "ok",
          cancelOn: [{ event: "stop", if: "async.data.id == event.data.id" }],
          concurrency: { limit: 1, key: "event.data.user_id" },
        },
        { event: "a", if: "event.data.amount > 10 && has(event.data.user_id)" },
        noop,
      ),
    ).not.toThrow();
  });

  it("a waitForEvent if over an undeclared variable fails the run with config_invalid naming the step", async () => {
    const { fairway, clock } = makeFairway("memory");
    fairway.createFunction({ id: "w" }, { event: "start" }, async ({ step }) =>
      step.waitForEvent("approval", { event: "ok", timeout: "1h", if: "approval.id == event.data.id" }),
    );
    await fairway.send({ name: "start", data: { id: 1 } });
    const runId = await runOf(fairway, "w");
    await clock.advance(0);
    await expect(fairway.waitForRun(runId)).rejects.toMatchObject({
      error: { code: "config_invalid", message: expect.stringContaining('step.waitForEvent("approval").if') },
    });
    await fairway.close();
  });
});

describe("a trigger if that fails to evaluate at run time", () => {
  it("is logged once per function with the expression; the events sent over HTTP still get 200", async () => {
    const warnings: unknown[][] = [];
    const logger = { ...memoryLogger(), warn: (...args: unknown[]) => warnings.push(args) };
    const fairway = new Fairway({ id: "app", store: "memory", logger });
    fairway.createFunction({ id: "big" }, { event: "order", if: "event.data.amount > 10" }, noop);
    fairway.createFunction({ id: "other" }, { event: "order", if: "event.data.total > 1" }, noop);
    const server = createServer({ client: fairway, auth: { eventKeys: [EVENT_KEY] }, logger });
    const send = (data: unknown) =>
      server.app.request("/api/events", {
        method: "POST",
        headers: { authorization: `Bearer ${EVENT_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "order", data }),
      });
    for (const data of [{}, { note: "no amount" }, { amount: 20 }, {}])
      expect((await send(data)).status).toBe(200);
    const failures = warnings.filter(([message]) => String(message).startsWith("trigger condition failed"));
    expect(failures.map(([, meta]) => meta)).toEqual([
      { functionId: "big", expression: "event.data.amount > 10", error: expect.stringContaining("amount") },
      { functionId: "other", expression: "event.data.total > 1", error: expect.stringContaining("total") },
    ]);
    expect((await fairway.listRuns({ functionId: "big" })).runs).toHaveLength(1);
    await server.close();
  });
});
