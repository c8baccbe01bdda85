import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/index.js";
import { normalizeFlowConfig } from "../../src/flow/config/flow-config.js";
import type { FlowConfigInput } from "../../src/flow/config/types.js";
import { compile } from "./compile.js";

function configError(input: unknown): ConfigError {
  try {
    normalizeFlowConfig(input as FlowConfigInput, compile);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("normalizeFlowConfig", () => {
  it("normalises every control, with durations in ms and defaults filled", () => {
    const config = normalizeFlowConfig(
      {
        concurrency: [
          { limit: 10, key: "event.data.user_id" },
          { limit: 50, scope: "account", key: '"openai"' },
        ],
        throttle: { limit: 2, period: "6s", burst: 1, key: "event.data.user_id" },
        rateLimit: { limit: 5, period: "24h" },
        idempotency: "event.data.order_id",
        debounce: { period: "10s", timeout: "1m", key: "event.data.user_id" },
        priority: { run: "event.data.vip ? 120 : 0" },
        singleton: { mode: "cancel", key: "event.data.user_id" },
        cancelOn: [
          { event: "order/cancelled", match: "data.order_id", timeout: "1h" },
          { event: "app/stop" },
        ],
        timeouts: { start: "5m", finish: 30_000 },
      },
      compile,
    );
    expect(config).toEqual({
      concurrency: [
        { limit: 10, scope: "fn", key: "event.data.user_id" },
        { limit: 50, scope: "account", key: '"openai"' },
      ],
      throttle: { limit: 2, periodMs: 6000, burst: 1, key: "event.data.user_id" },
      rateLimit: { limit: 5, periodMs: 86_400_000 },
      idempotency: "event.data.order_id",
      debounce: { periodMs: 10_000, timeoutMs: 60_000, key: "event.data.user_id" },
      priority: { run: "event.data.vip ? 120 : 0" },
      singleton: { mode: "cancel", key: "event.data.user_id" },
      cancelOn: [
        { event: "order/cancelled", if: "event.data.order_id == async.data.order_id", timeoutMs: 3_600_000 },
        { event: "app/stop", timeoutMs: 366 * 86_400_000 },
      ],
      timeouts: { startMs: 300_000, finishMs: 30_000 },
    });
  });

  it("accepts a plain number and a batch config", () => {
    const config = normalizeFlowConfig(
      { concurrency: 5, batchEvents: { maxSize: 10, timeout: "5s" } },
      compile,
    );
    expect(config.concurrency).toEqual([{ limit: 5, scope: "fn" }]);
    expect(config.batchEvents).toEqual({ maxSize: 10, timeoutMs: 5000 });
    expect(normalizeFlowConfig({}, compile)).toEqual({ concurrency: [], cancelOn: [], timeouts: {} });
  });

  it.each([
    [{ concurrency: 0 }, "concurrency", "integer from 1"],
    [{ concurrency: 2.5 }, "concurrency", "integer"],
    [{ concurrency: [] }, "concurrency", "1 to 2 limits"],
    [
      { concurrency: [{ limit: 1 }, { limit: 2, key: "event.data.a" }, { limit: 3 }] },
      "concurrency",
      "1 to 2",
    ],
    [{ concurrency: [{ limit: 1 }, { limit: 2, scope: "env" }] }, "concurrency[1].key", 'scope is "env"'],
    [{ concurrency: { limit: 2, scope: "account" } }, "concurrency.key", "required"],
    [
      {
        concurrency: [
          { limit: 1, key: "event.data.a" },
          { limit: 2, key: "event.data.a" },
        ],
      },
      "concurrency[1]",
      "repeats",
    ],
    [
      { concurrency: [{ limit: 1 }, { limit: 2, key: "event.data." }] },
      "concurrency[1].key",
      "not a valid CEL",
    ],
    [{ concurrency: { limit: 1, scope: "global" } }, "concurrency.scope", '"fn", "env", "account"'],
    [{ concurrency: { limit: 1, keys: "x" } }, "concurrency.keys", "not a known field"],
    [{ throttle: { limit: 1, period: "500ms" } }, "throttle.period", "between 1s and 7d"],
    [{ throttle: { limit: 1, period: "8d" } }, "throttle.period", "between"],
    [{ throttle: { limit: 1, period: "soon" } }, "throttle.period", "must be a duration"],
    [{ throttle: { limit: 0, period: "1s" } }, "throttle.limit", "integer"],
    [{ throttle: { limit: 1, period: "1s", burst: -1 } }, "throttle.burst", "integer"],
    [{ rateLimit: { limit: 5, period: "25h" } }, "rateLimit.period", "between 1s and 1d"],
    [{ rateLimit: { limit: 10_001, period: "1h" } }, "rateLimit.limit", "10000"],
    [{ idempotency: "" }, "idempotency", "non-empty CEL"],
    [{ idempotency: "event.data.(" }, "idempotency", "not a valid CEL"],
    [{ debounce: { period: "0s" } }, "debounce.period", "between 1s and 7d"],
    [{ debounce: { period: "1s", timeout: "8d" } }, "debounce.timeout", "between"],
    [{ priority: { run: 5 } }, "priority.run", "CEL"],
    [{ priority: { value: "1" } }, "priority.value", "not a known field"],
    [{ batchEvents: { maxSize: 1, timeout: "5s" } }, "batchEvents.maxSize", "from 2 to 1000"],
    [{ batchEvents: { maxSize: 5, timeout: "2m" } }, "batchEvents.timeout", "between 1s and 1m"],
    [{ singleton: { mode: "queue" } }, "singleton.mode", '"skip", "cancel"'],
    [{ singleton: {} }, "singleton.mode", "one of"],
    [{ cancelOn: { event: "x" } }, "cancelOn", "must be a list"],
    [{ cancelOn: Array.from({ length: 6 }, () => ({ event: "x" })) }, "cancelOn", "at most 5"],
    [{ cancelOn: [{ event: "" }] }, "cancelOn[0].event", "event name"],
    [
      { cancelOn: [{ event: "a" }, { event: "b", if: "true", match: "data.x" }] },
      "cancelOn[1].match",
      "cannot be combined",
    ],
    [{ cancelOn: [{ event: "a", match: "data..x" }] }, "cancelOn[0].match", "field path"],
    [{ cancelOn: [{ event: "a", timeout: "400d" }] }, "cancelOn[0].timeout", "between"],
    [{ timeouts: { start: "0s" } }, "timeouts.start", "between"],
    [{ timeouts: { begin: "1s" } }, "timeouts.begin", "not a known field"],
  ])("rejects %j at %s", (input, path, rule) => {
    const error = configError(input);
    expect(error.path).toBe(path);
    expect(error.message).toContain(rule);
    expect(error.code).toBe("config_invalid");
  });

  it.each([
    ["debounce", { debounce: { period: "1s" } }],
    ["singleton", { singleton: { mode: "skip" } }],
    ["cancelOn", { cancelOn: [{ event: "x" }] }],
    ["priority", { priority: { run: "1" } }],
    ["rateLimit", { rateLimit: { limit: 1, period: "1s" } }],
    ["idempotency", { idempotency: "event.data.id" }],
    ["a concurrency key", { concurrency: { limit: 1, key: "event.data.id" } }],
  ])("rejects batching combined with %s", (clash, extra) => {
    const error = configError({ batchEvents: { maxSize: 2, timeout: "1s" }, ...extra });
    expect(error.path).toBe("batchEvents");
    expect(error.message).toContain(clash);
  });
});
