import { describe, expect, it } from "vitest";
import { ConfigError, Fairway } from "../../src/index.js";
import { makeFairway } from "./helpers.js";

const handler = async () => "ok";

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("function config", () => {
  const fairway = new Fairway({ id: "cfg", store: "memory" });

  it.each([
    [{ id: "" }, "id"],
    [{ id: "bad id" }, "id"],
    [{ id: "r", retries: 21 }, "retries"],
    [{ id: "r", retries: -1 }, "retries"],
    [{ id: "r", retries: 1.5 }, "retries"],
    [{ id: "u", bogus: 5 }, "bogus"],
    [{ id: "u", onFailure: "no" }, "onFailure"],
    [{ id: "n", name: "" }, "name"],
  ])("%j fails at definition naming %s", (config, path) => {
    expect(configError(() => fairway.createFunction(config as never, { event: "e" }, handler)).path).toBe(
      path,
    );
  });

  it.each([
    [[], "triggers"],
    [[{ event: "" }], "triggers[0].event"],
    [[{ event: "a" }, { event: "b", if: "event.data.(" }], "triggers[1].if"],
    [[{ event: "a" }, { event: "a" }], "triggers[1]"],
    [[{ cron: "not cron" }], "triggers[0].cron"],
    [[{ cron: "* * * * *", jitter: "1s" }], "triggers[0].jitter"],
    [[{ event: "a", match: "x" }], "triggers[0].match"],
    [Array.from({ length: 11 }, (_, i) => ({ event: `e${i}` })), "triggers"],
  ])("triggers %j fail naming %s", (triggers, path) => {
    expect(configError(() => fairway.createFunction({ id: "x", triggers } as never, handler)).path).toBe(
      path,
    );
  });

  it("accepts both forms", () => {
    const a = fairway.createFunction(
      { id: "form-a" },
      [{ event: "a" }, { cron: "TZ=Europe/Paris 0 9 * * *" }],
      handler,
    );
    const b = fairway.createFunction(
      { id: "form-b", triggers: [{ event: "b", if: "event.data.x == 1" }] },
      handler,
    );
    expect(a.triggers.map((trigger) => trigger.kind)).toEqual(["event", "cron"]);
    expect(b.triggers[0]).toMatchObject({ kind: "event", event: "b", if: "event.data.x == 1" });
    expect(
      configError(() =>
        fairway.createFunction({ id: "x", triggers: [{ event: "a" }] }, { event: "b" }, handler),
      ).path,
    ).toBe("triggers");
  });

  it.each([
    [{ id: "" }, "id"],
    [{ id: "x", maxConcurrentRuns: 0 }, "maxConcurrentRuns"],
    [{ id: "x", retryBackoffScale: -1 }, "retryBackoffScale"],
    [{ id: "x", leaseMs: 1 }, "leaseMs"],
    [{ id: "x", sweepMs: 99 }, "sweepMs"],
    [{ id: "x", sweepMs: 1.5e3 + 0.5 }, "sweepMs"],
    [{ id: "x", retentoin: false }, "retentoin"],
    [{ id: "x", leaseMS: 1000 }, "leaseMS"],
  ])("Fairway options %j fail naming %s", (options, path) => {
    expect(configError(() => new Fairway({ store: "memory", ...options } as never)).path).toBe(path);
  });

  it.each([
    "postgress://postgres:s3cret@127.0.0.1:5432/test",
    "mysql://app:s3cret@db/app",
    "file:///tmp/fairway.db",
  ])("a store URL of another scheme than postgres(ql) is a ConfigError naming store: %s", (store) => {
    const error = configError(() => new Fairway({ id: "x", store }));
    expect(error.path).toBe("store");
    expect(error.message).toBe(
      `store: a URL store must be postgres:// or postgresql:// (got ${store.slice(0, store.indexOf("://") + 3)}); a SQLite store is a file path`,
    );
    expect(error.message).not.toContain("s3cret");
  });

  it("an empty store string is a ConfigError naming store", () => {
    expect(configError(() => new Fairway({ id: "x", store: "" })).message).toBe(
      'store: must be "memory", a postgres:// URL or a SQLite file path, not empty',
    );
  });

  it("an unknown option's error lists the known options", () => {
    expect(
      configError(() => new Fairway({ id: "x", store: "memory", maxConcurrency: 5 } as never)).message,
    ).toBe(
      "maxConcurrency: is not a known field (known: id, schemas, store, logger, clock, maxConcurrentRuns, retryBackoffScale, leaseMs, sweepMs, retention, ordering, limitsRefreshMs, prices)",
    );
  });
});

describe("createFunction with onFailure is all or nothing", () => {
  it("an id that leaves no room for the failure function's id fails naming onFailure; nothing is defined", () => {
    const { fairway } = makeFairway("memory");
    const id = "a".repeat(128);
    const define = () => fairway.createFunction({ id, onFailure: () => {} }, { event: "e" }, async () => 1);
    expect(define).toThrow(ConfigError);
    expect(define).toThrow(/^onFailure: /);
    expect(fairway.functions()).toEqual([]);
    expect(fairway.createFunction({ id }, { event: "e" }, async () => 1).id).toBe(id);
  });

  it("a failure function id that is taken fails before anything is defined", () => {
    const { fairway } = makeFairway("memory");
    fairway.createFunction({ id: "g-failure" }, { event: "e" }, async () => 1);
    expect(() =>
      fairway.createFunction({ id: "g", onFailure: () => {} }, { event: "e" }, async () => 1),
    ).toThrow(/g-failure/);
    expect(fairway.functions().map((fn) => fn.id)).toEqual(["g-failure"]);
    expect(fairway.createFunction({ id: "g" }, { event: "e" }, async () => 1).id).toBe("g");
  });
});
