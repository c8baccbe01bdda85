import { describe, expect, it } from "vitest";
import type { FlowConfig } from "../../src/flow/config/types.js";
import { RunWatch } from "../../src/flow/run-watch.js";
import { compile } from "./compile.js";
import { ManualClock } from "./manual-clock.js";

const base: FlowConfig = { concurrency: [], cancelOn: [], timeouts: {} };
const run = (id: string) => ({
  id,
  functionId: "f",
  event: { name: "go", data: { big: "x".repeat(1000) }, id: `e-${id}`, ts: 0 },
  eventSeq: 1,
  createdAt: 1_000_000,
});

describe("RunWatch memory", () => {
  it("keeps no entry for a run whose function has neither cancelOn nor timeouts, only its singleton hold", () => {
    const cancelled: string[] = [];
    const watch = new RunWatch(new ManualClock(), compile, (runId) => cancelled.push(runId));
    watch.watch(run("plain"), base);
    watch.watch(run("single"), base, "k");
    expect(watch.watching("plain")).toBe(false);
    expect(watch.watching("single")).toBe(false);
    expect(watch.holder("f", "k")).toBe("single");
    watch.ended("single");
    expect(watch.holder("f", "k")).toBeUndefined();
  });

  it("watches runs with timeouts (deadline still fires) and runs with cancelOn (event still matched)", () => {
    const clock = new ManualClock();
    const cancelled: string[] = [];
    const watch = new RunWatch(clock, compile, (runId, reason) => cancelled.push(`${runId}: ${reason}`));
    watch.watch(run("timed"), { ...base, timeouts: { startMs: 100 } });
    const cancelOn = [{ event: "stop", if: "event.data.big == async.data.big" }] as FlowConfig["cancelOn"];
    watch.watch(run("cancelable"), { ...base, cancelOn });
    expect(watch.watching("timed") && watch.watching("cancelable")).toBe(true);
    watch.eventReceived({ name: "stop", data: { big: "x".repeat(1000) }, id: "s", ts: 0, seq: 2 });
    clock.advance(100);
    expect(cancelled.map((line) => line.split(":")[0])).toEqual(["cancelable", "timed"]);
  });
});
