import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../src/index.js";
import { type FlowCounts, FlowSampler } from "./flow-sampler.js";

describe("FlowSampler", () => {
  it("samples flow state when runs start or end and keeps the peak per key", () => {
    let listener: ((event: RunEvent) => void) | undefined;
    let state: FlowCounts[] = [];
    const sampler = new FlowSampler(
      {
        onRunEvent: (fn) => {
          listener = fn;
          return () => {
            listener = undefined;
          };
        },
        flowState: () => state,
      },
      "fn",
    );
    const emit = (type: RunEvent["type"], functionId = "fn") =>
      listener?.({ type, runId: "r", functionId, at: 0 });
    state = [{ key: "u1", queued: 5, running: 10, throttled: 4 }];
    emit("run.started");
    expect(sampler.peakRunning("u1")).toBe(10);
    expect(sampler.throttled("u1")).toBe(4);
    state = [{ key: "u1", queued: 0, running: 20, throttled: 0 }];
    emit("run.started", "other-fn");
    emit("step.completed");
    expect(sampler.peakRunning("u1")).toBe(10);
    state = [];
    emit("run.completed");
    expect(sampler.throttled("u1")).toBe(0);
    expect(sampler.peakRunning("u1")).toBe(10);
    expect(sampler.peakRunning("nobody")).toBe(0);
    sampler.stop();
    expect(listener).toBeUndefined();
  });
});
