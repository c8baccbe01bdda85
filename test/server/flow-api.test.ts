import { afterEach, describe, expect, it } from "vitest";
import type { Fairway } from "../../src/fairway.js";
import { type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer;
let release: () => void = () => {};
afterEach(async () => {
  release();
  await t?.server.close();
});

function define(fairway: Fairway) {
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return [
    fairway.createFunction(
      { id: "research", concurrency: { limit: 1, key: "event.data.userId" } },
      { event: "app/research" },
      async ({ step }) => step.run("work", () => gate.then(() => "done")),
    ),
    fairway.createFunction(
      { id: "throttled", throttle: { limit: 1, period: "1h", key: "event.data.userId" } },
      { event: "app/throttled" },
      async () => "ok",
    ),
  ];
}

type FlowBody = { keys: Array<Record<string, unknown>> };

describe("flow state API", () => {
  it("shows per function and key: queued, running, throttled, and recent start latency", async () => {
    t = testServer(define);
    const first = await t.start("app/research", { userId: "u1" });
    await t.start("app/research", { userId: "u1" });
    await t.start("app/research", { userId: "u2" });
    const done = await t.start("app/throttled", { userId: "u3" });
    await t.start("app/throttled", { userId: "u3" });
    await t.fairway.waitForRun(done);
    await expect.poll(async () => (await t.fairway.getRun(first))?.status).toBe("running");

    const body = (await (await t.call("/api/flow")).json()) as FlowBody;
    const row = (functionId: string, key: string) =>
      body.keys.find((k) => k.functionId === functionId && k.key === key);
    expect(row("research", "u1")).toMatchObject({ queued: 1, running: 1, throttled: 0 });
    expect(row("research", "u2")).toMatchObject({ queued: 0, running: 1 });
    expect(row("throttled", "u3")).toMatchObject({ queued: 1, throttled: 1, running: 0 });
    expect(row("research", "u1")!.startLatencyMs).toEqual({
      p50: expect.any(Number),
      p99: expect.any(Number),
      samples: 1,
    });

    const byKey = (await (await t.call("/api/runs?concurrencyKey=u1")).json()) as {
      runs: { concurrencyKeys: string[] }[];
    };
    expect(byKey.runs).toHaveLength(2);
    expect(byKey.runs.every((run) => run.concurrencyKeys.includes("u1"))).toBe(true);

    const one = (await (await t.call("/api/flow?function=throttled")).json()) as FlowBody;
    expect(new Set(one.keys.map((k) => k.functionId))).toEqual(new Set(["throttled"]));
  });

  it("lists each function's flow-control config", async () => {
    t = testServer(define);
    const { functions } = (await (await t.call("/api/functions")).json()) as {
      functions: Array<Record<string, unknown>>;
    };
    expect(functions.find((fn) => fn.id === "research")!.flowControl).toEqual({
      concurrency: [expect.objectContaining({ limit: 1, key: "event.data.userId" })],
    });
    expect(functions.find((fn) => fn.id === "throttled")!.flowControl).toEqual({
      throttle: expect.objectContaining({ limit: 1, periodMs: 3_600_000, key: "event.data.userId" }),
    });
  });

  it("answers 404 for an unknown function and 400 for unknown fields", async () => {
    t = testServer(define);
    expect((await t.call("/api/flow?function=nope")).status).toBe(404);
    expect((await t.call("/api/flow?fn=research")).status).toBe(400);
    expect((await t.call("/api/flow", {}, null)).status).toBe(401);
  });
});
