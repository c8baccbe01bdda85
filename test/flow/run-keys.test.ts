import { describe, expect, it } from "vitest";
import { normalizeFlowConfig } from "../../src/flow/config/flow-config.js";
import { NULL_KEY } from "../../src/flow/keys.js";
import { evaluateRunKeys } from "../../src/flow/run-keys.js";
import { compile } from "./compile.js";

const scope = { functionId: "research", appId: "app" };
const event = (data: Record<string, unknown>) => ({ name: "e", id: "1", ts: 0, data });

describe("evaluateRunKeys", () => {
  it("builds claims for a global limit and a per-key limit, plus every other key", () => {
    const config = normalizeFlowConfig(
      {
        concurrency: [{ limit: 32 }, { limit: 4, key: "event.data.user" }],
        throttle: { limit: 10, period: "1m", key: "event.data.org" },
        rateLimit: { limit: 5, period: "1h", key: "event.data.user" },
        idempotency: "event.data.id",
        priority: { run: "event.data.p" },
        singleton: { mode: "skip", key: "event.data.user" },
      },
      compile,
    );
    const keys = evaluateRunKeys(config, scope, event({ user: "u1", org: "o1", id: "x", p: 12 }), compile);
    expect(keys).toEqual({
      claims: [
        { id: "fn:research", limit: 32 },
        { id: "fn:research:event.data.user=u1", limit: 4, keyExpression: "event.data.user", keyValue: "u1" },
      ],
      throttle: { id: "research:o1", limit: 10, periodMs: 60_000, burst: 0, keyValue: "o1" },
      key: "u1",
      concurrencyKeys: ["", "u1"],
      priority: 12,
      rateLimitKey: "u1",
      idempotencyKey: "x",
      singletonKey: "u1",
      warnings: [],
    });
  });

  it("shares env and account keys across functions", () => {
    const config = normalizeFlowConfig(
      {
        concurrency: [
          { limit: 2, scope: "env", key: "event.data.user" },
          { limit: 9, scope: "account", key: '"llm"' },
        ],
      },
      compile,
    );
    const keys = evaluateRunKeys(config, scope, event({ user: "u1" }), compile);
    expect(keys.claims).toEqual([
      { id: "env:app:u1", limit: 2, keyExpression: "event.data.user", keyValue: "u1" },
      { id: "account:llm", limit: 9, keyExpression: '"llm"', keyValue: "llm" },
    ]);
  });

  it("applies the null-key rule and records a warning per field", () => {
    const config = normalizeFlowConfig(
      {
        concurrency: { limit: 1, key: "event.data.user" },
        debounce: { period: "1s", key: "event.data.user" },
      },
      compile,
    );
    const keys = evaluateRunKeys(config, scope, event({}), compile);
    expect(keys.claims).toEqual([
      {
        id: `fn:research:event.data.user=${NULL_KEY}`,
        limit: 1,
        keyExpression: "event.data.user",
        keyValue: NULL_KEY,
      },
    ]);
    expect(keys.debounceKey).toBe(NULL_KEY);
    expect(keys.warnings).toHaveLength(2);
    expect(keys.warnings[0]).toContain("concurrency[0].key");
    expect(keys.warnings[1]).toContain("debounce.key");
  });

  it("uses the throttle key as label without a keyed limit, and the function id as throttle id without key", () => {
    const keyed = normalizeFlowConfig(
      { throttle: { limit: 1, period: "1s", key: "event.data.org" } },
      compile,
    );
    expect(evaluateRunKeys(keyed, scope, event({ org: "o9" }), compile).key).toBe("o9");
    const plain = normalizeFlowConfig({ throttle: { limit: 1, period: "1s" } }, compile);
    expect(evaluateRunKeys(plain, scope, event({}), compile).throttle?.id).toBe("research");
  });
});
