import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { tempDir } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A process's worth of Fairway on `file`: the same functions each time, side effects counted in `log`. */
function boot(file: string, clock: FakeClock, log: string[]) {
  const fairway = new Fairway({ id: "app", store: file, clock, logger: silent, retryBackoffScale: 1 });
  fairway.createFunction({ id: "sleeper" }, { event: "sleep" }, async ({ event, step }) => {
    await step.run("before", () => log.push(`before ${event.data.name}`));
    await step.sleep("nap", event.data.nap as string);
    return step.run("after", () => {
      log.push(`after ${event.data.name}`);
      return `${event.data.name} woke`;
    });
  });
  fairway.createFunction({ id: "waiter" }, { event: "wait" }, async ({ step }) => {
    const got = await step.waitForEvent("reply", { event: "reply", timeout: "1d" });
    return step.run("use", () => {
      log.push("use reply");
      return got?.data;
    });
  });
  fairway.createFunction({ id: "flaky" }, { event: "flaky" }, async ({ step }) =>
    step.run("call", () => {
      log.push("flaky call");
      if (log.filter((entry) => entry === "flaky call").length === 1) throw new Error("first try fails");
      return "flaky ok";
    }),
  );
  return fairway;
}

describe("a restarted process on the same SQLite file resumes sleeping, waiting and backing-off runs", () => {
  it("on the fake clock, each completed step running once", async () => {
    const file = join(tempDir(), "fairway.db");
    const clock = new FakeClock();
    const log: string[] = [];
    const first = boot(file, clock, log);
    await first.send([
      { name: "sleep", data: { name: "short", nap: "1m" } },
      { name: "sleep", data: { name: "long", nap: "3h" } },
      { name: "wait" },
      { name: "flaky" },
    ]);
    await first.idle();
    const ids = Object.fromEntries(
      (await first.listRuns({})).runs.map((run) => [run.functionId + (run.event.data.name ?? ""), run.id]),
    );
    expect((await first.getRun(ids.sleepershort as string))?.status).toBe("sleeping");
    expect((await first.getRun(ids.waiter as string))?.status).toBe("waiting");
    expect((await first.getRun(ids.flaky as string))?.status).toBe("queued");
    await first.close();
    expect(clock.pending()).toBe(0);

    await clock.advance("1h"); // the short sleep and the retry backoff come due while no process runs
    const second = boot(file, clock, log);
    await second.start();
    await second.idle();
    expect((await second.getRun(ids.sleepershort as string))?.output).toBe("short woke");
    expect((await second.getRun(ids.flaky as string))?.output).toBe("flaky ok");
    expect((await second.getRun(ids.sleeperlong as string))?.status).toBe("sleeping");
    await second.send({ name: "reply", data: { ok: true } });
    await second.idle();
    expect((await second.getRun(ids.waiter as string))?.output).toEqual({ ok: true });
    await clock.advance("2h");
    expect((await second.getRun(ids.sleeperlong as string))?.output).toBe("long woke");
    await second.close();

    expect(log.sort()).toEqual(
      [
        "before short",
        "before long",
        "after short",
        "after long",
        "use reply",
        "flaky call",
        "flaky call",
      ].sort(),
    );
  });
});
