import { afterEach, describe, expect, it } from "vitest";
import { type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer;
afterEach(() => t?.server.close());

describe("run API: why a run waited", () => {
  it("names the concurrency limit for the run served first and priority for the older run it passed", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    t = testServer((fairway) => [
      fairway.createFunction(
        { id: "prio", concurrency: { limit: 1 }, priority: { run: "event.data.p" } },
        { event: "app/prio" },
        () => gate,
      ),
    ]);
    const holder = await t.start("app/prio", { p: 0 });
    await expect.poll(async () => (await t.fairway.getRun(holder))?.status).toBe("running");
    const low = await t.start("app/prio", { p: 0 });
    const high = await t.start("app/prio", { p: 10 });
    open();
    await expect.poll(async () => (await t.fairway.getRun(low))?.status).toBe("completed");
    const reason = async (runId: string) =>
      ((await (await t.call(`/api/runs/${runId}`)).json()) as { run: { waitReason?: string } }).run
        .waitReason;
    expect(await reason(holder)).toBeUndefined();
    expect(await reason(high)).toBe("concurrency limit fn:prio at 1/1");
    expect(await reason(low)).toBe("priority: behind runs of priority 10 (this run: 0)");
  });
});
