import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.js";
import { mapFunction } from "./function-mapping.js";
import type { WireFunction } from "./wire.js";

const url = "http://127.0.0.1:3000/api/inngest?fnId=app-fn&stepId=step";

function wire(extra: Record<string, unknown> = {}): WireFunction {
  return {
    id: "app-fn",
    name: "fn",
    triggers: [{ event: "app/go", expression: "event.data.ok == true" }],
    steps: { step: { id: "step", name: "step", runtime: { type: "http", url }, retries: { attempts: 2 } } },
    ...extra,
  } as WireFunction;
}

function refusal(fn: WireFunction): ConfigError {
  try {
    mapFunction(fn, 3);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("mapFunction", () => {
  it("maps the SDK's wire config onto Fairway's: triggers, flow control, cancel, retries", () => {
    const mapped = mapFunction(
      wire({
        concurrency: [{ key: "event.data.user_id", limit: 10 }],
        throttle: { limit: 2, period: "1m", burst: 1 },
        rateLimit: { limit: 5, period: "1h", key: "event.data.user_id" },
        debounce: { period: "5s" },
        priority: { run: "event.data.plan == 'pro' ? 60 : 0" },
        cancel: [{ event: "app/stop", if: "event.data.id == async.data.id", timeout: "1h" }],
        timeouts: { finish: "1h" },
        checkpoint: { batch_steps: 10 },
      }),
      0,
    );
    expect(mapped).toEqual({
      url,
      config: {
        id: "app-fn",
        name: "fn",
        triggers: [{ event: "app/go", if: "event.data.ok == true" }],
        retries: 2,
        concurrency: [{ key: "event.data.user_id", limit: 10 }],
        throttle: { limit: 2, period: "1m", burst: 1 },
        rateLimit: { limit: 5, period: "1h", key: "event.data.user_id" },
        debounce: { period: "5s" },
        priority: { run: "event.data.plan == 'pro' ? 60 : 0" },
        cancelOn: [{ event: "app/stop", if: "event.data.id == async.data.id", timeout: "1h" }],
        timeouts: { finish: "1h" },
      },
    });
  });

  it("maps Inngest's internal trigger events to Fairway's; cron passes through; retries default to 4", () => {
    const mapped = mapFunction(
      {
        ...wire(),
        triggers: [{ event: "inngest/function.failed" }, { cron: "TZ=Europe/Paris 0 9 * * *" }],
        steps: { step: { runtime: { url } } },
      } as WireFunction,
      0,
    );
    expect(mapped.config.triggers).toEqual([
      { event: "fairway/function.failed" },
      { cron: "TZ=Europe/Paris 0 9 * * *" },
    ]);
    expect(mapped.config.retries).toBe(4);
  });

  it("refuses what Fairway cannot run, naming the function and the field", () => {
    expect(refusal(wire({ experimentalFeature: true })).path).toBe(
      'functions[3] ("app-fn").experimentalFeature',
    );
    expect(refusal(wire({ triggers: [{ cron: "* * * * *", jitter: "10s" }] })).path).toBe(
      'functions[3] ("app-fn").triggers[0].jitter',
    );
    expect(refusal(wire({ triggers: [{ event: "inngest/function.cancelled" }] })).path).toBe(
      'functions[3] ("app-fn").triggers[0].event',
    );
    expect(refusal(wire({ throttle: { limit: 1, period: "0s" } })).path).toBe(
      'functions[3] ("app-fn").throttle.period',
    );
    expect(refusal(wire({ cancel: [{ event: "" }] })).path).toMatch(
      /^functions\[3\] \("app-fn"\)\.cancel\[0\]/,
    );
    expect(refusal(wire({ steps: { step: { runtime: { type: "ws", url } } } })).path).toBe(
      'functions[3] ("app-fn").steps.step.runtime.type',
    );
    expect(
      refusal(wire({ batchEvents: { maxSize: 10, timeout: "5s" }, cancel: [{ event: "x" }] })).message,
    ).toMatch(/^functions\[3\] \("app-fn"\)\./);
  });
});
