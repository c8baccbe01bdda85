import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, Fairway, ValidationError } from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { EVENT_KEY, memoryLogger, type TestServer, testServer } from "./helpers/test-server.js";

const RULE =
  "must be an event name: a string of 1-255 characters without control or bidirectional-control characters or unpaired surrogates";
const DAY = 24 * 60 * 60 * 1000;

let t: TestServer;
afterEach(async () => {
  await t?.server.close();
});

function server() {
  t = testServer((fairway) => [fairway.createFunction({ id: "f" }, { event: "app/go" }, async () => "ok")]);
  return (body: unknown) =>
    t.server.app.request("/api/events", {
      method: "POST",
      headers: { authorization: `Bearer ${EVENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
}

async function issues(response: Response): Promise<{ path: string; message: string }[]> {
  expect(response.status).toBe(400);
  return ((await response.json()) as { error: { issues: { path: string; message: string }[] } }).error.issues;
}

describe("event names: one rule and one message for the HTTP API, send, triggers, waits and cancelOn", () => {
  it("the HTTP API takes 255 characters and refuses 256 with the engine's message", async () => {
    const post = server();
    expect((await post({ name: "a".repeat(255) })).status).toBe(200);
    expect(await issues(await post({ name: "a".repeat(256) }))).toEqual([{ path: "name", message: RULE }]);
  });

  it("refuses NUL, control and bidi-override characters and lone surrogates in a name", async () => {
    const post = server();
    for (const name of [
      "app/\u0000go",
      "app/go\n",
      "app/\u001bgo",
      "app/\u202ego",
      "app/\u2066go",
      "app/\ud800",
    ]) {
      expect(await issues(await post({ name })), JSON.stringify(name)).toEqual([
        { path: "name", message: RULE },
      ]);
      await expect(t.fairway.send({ name })).rejects.toThrow(ValidationError);
    }
    expect((await post({ name: "app/gö 🚀" })).status).toBe(200);
  });

  it("refuses lone UTF-16 surrogates in data values and keys, naming the path", async () => {
    const post = server();
    expect(
      await issues(await post([{ name: "app/go" }, { name: "app/go", data: { text: "a\udc00b" } }])),
    ).toEqual([
      {
        path: "[1].data.text",
        message: "must be well-formed text (an unpaired UTF-16 surrogate cannot be stored)",
      },
    ]);
    const key = await issues(await post({ name: "app/go", data: { nested: { "\ud83d": 1 } } }));
    expect(key[0]?.path).toBe("data.nested");
    expect((await post({ name: "app/go", data: { text: "paired 🚀" } })).status).toBe(200);
    expect((await t.fairway.listRuns()).runs).toHaveLength(1);
  });

  it("is the rule at registration too: triggers, cancelOn and waitForEvent", async () => {
    const fairway = new Fairway({ id: "x", store: "memory", logger: memoryLogger() });
    const noop = async () => null;
    const error = (define: () => unknown) => {
      try {
        define();
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error("accepted");
    };
    const trigger = error(() => fairway.createFunction({ id: "a" }, { event: "a\u0000" }, noop));
    expect([trigger.path, trigger.rule]).toEqual(["triggers[0].event", RULE]);
    const long = error(() => fairway.createFunction({ id: "b" }, { event: "b".repeat(256) }, noop));
    expect(long.rule).toBe(RULE);
    const cancel = error(() =>
      fairway.createFunction({ id: "c", cancelOn: [{ event: "stop\u202e" }] }, { event: "c" }, noop),
    );
    expect([cancel.path, cancel.rule]).toEqual(["cancelOn[0].event", RULE]);
    expect(cancel).toBeInstanceOf(ConfigError);
    fairway.createFunction({ id: "w" }, { event: "w" }, async ({ step }) =>
      step.waitForEvent("next", { event: "next\u0000", timeout: "1m" }),
    );
    await fairway.send({ name: "w" });
    const runId = (await fairway.listRuns({ functionId: "w" })).runs[0]?.id as string;
    await expect(fairway.waitForRun(runId)).rejects.toMatchObject({
      error: { code: "validation_failed", message: expect.stringContaining(`event: ${RULE}`) },
    });
    await fairway.close();
  });
});

describe("event ts is capped like a sleep: at most 365 days ahead", () => {
  it("refuses ts past that (and past the Date range) and fractional ms; takes 364 days and delays the run", async () => {
    const post = server();
    const now = Date.now();
    const tsIssue = async (ts: number) => (await issues(await post({ name: "app/go", ts })))[0]?.message;
    expect(await tsIssue(now + 366 * DAY)).toBe(
      "must be at most 365 days ahead (the longest delay, as for sleeps)",
    );
    expect(await tsIssue(1e20)).toBe("must be ms since the epoch (an integer >= 0)");
    expect(await tsIssue(now + 0.5)).toBe("must be ms since the epoch (an integer >= 0)");
    expect(await tsIssue(-1)).toBe("must be ms since the epoch (an integer >= 0)");
    expect((await t.fairway.listRuns()).runs).toHaveLength(0);
    expect((await post({ name: "app/go", ts: now + 364 * DAY })).status).toBe(200);
    const [run] = (await t.fairway.listRuns()).runs;
    expect(run?.status).toBe("queued");
  });

  it("counts from the engine's clock for fairway.send", async () => {
    const clock = new FakeClock(1_000_000);
    const fairway = new Fairway({ id: "ts", store: "memory", clock, logger: memoryLogger() });
    await expect(fairway.send({ name: "x", ts: 1_000_000 + 365 * DAY + 1 })).rejects.toMatchObject({
      issues: [{ path: "ts", message: "must be at most 365 days ahead (the longest delay, as for sleeps)" }],
    });
    await expect(fairway.send({ name: "x", ts: 1_000_000 + 365 * DAY })).resolves.toMatchObject({
      ids: [expect.any(String)],
    });
    await fairway.close();
  });
});
