import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, Fairway, NotFoundError } from "../../src/index.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { TEST_DATABASE_URL, testPostgresStore } from "../helpers/postgres.js";
import { storeKinds, tempDir } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A function with per-user concurrency 1 whose runs block until released; counts the runs executing per user. */
function gatedApp(store: Store | string, clock: FakeClock, options: { limitsRefreshMs?: number } = {}) {
  const fairway = new Fairway({ id: "app", store, clock, logger: silent, ...options });
  const running = new Map<string, number>();
  const gates: Array<() => void> = [];
  fairway.createFunction(
    { id: "chat", concurrency: { key: "event.data.user", limit: 1 } },
    { event: "chat/go" },
    async ({ event }) => {
      const user = event.data.user as string;
      running.set(user, (running.get(user) ?? 0) + 1);
      await new Promise<void>((resolve) => gates.push(resolve));
      running.set(user, (running.get(user) ?? 0) - 1);
    },
  );
  const send = (user: string, count: number) =>
    fairway.send(Array.from({ length: count }, () => ({ name: "chat/go", data: { user } })));
  const releaseAll = () => {
    for (const open of gates.splice(0)) open();
  };
  return { fairway, running, send, releaseAll };
}

/**
 * A worker on `store` starts 3 runs of user "heavy" (concurrency 1 per user); then `admin`, another process
 * on the same data, raises "heavy" to 2. Returns how many of them execute: before, `afterMs - 1` ms after
 * and `afterMs` ms after the override was written. Releases them all and closes both.
 */
async function overrideSeen(
  store: Store | string,
  admin: Store,
  afterMs: number,
  options: { limitsRefreshMs?: number } = {},
): Promise<number[]> {
  const clock = new FakeClock();
  const worker = gatedApp(store, clock, options);
  await worker.send("heavy", 3);
  await clock.advance(0);
  const seen = [worker.running.get("heavy") ?? 0];
  await admin.init();
  await admin.putLimitOverride({
    functionId: "chat",
    key: "heavy",
    concurrency: { limit: 2 },
    updatedAt: clock.now(),
  });
  await admin.close();
  await clock.advance(afterMs - 1);
  seen.push(worker.running.get("heavy") ?? 0);
  await clock.advance(1);
  seen.push(worker.running.get("heavy") ?? 0);
  for (let i = 0; i < 3; i++) {
    worker.releaseAll();
    await clock.advance(0);
  }
  await worker.fairway.close();
  return seen;
}

describe.each(storeKinds)("limit overrides on %s", (kind) => {
  const storePath = () => (kind === "memory" ? "memory" : join(tempDir(), "fairway.db"));

  it("raises one tenant's concurrency from 1 to 3 at runtime while another stays at 1", async () => {
    const clock = new FakeClock();
    const { fairway, running, send, releaseAll } = gatedApp(storePath(), clock);
    await send("heavy", 4);
    await send("light", 3);
    await clock.advance(0);
    expect([running.get("heavy"), running.get("light")]).toEqual([1, 1]);

    const stored = await fairway.limits.set("chat", "heavy", { concurrency: 3 });
    expect(stored).toEqual({
      functionId: "chat",
      key: "heavy",
      concurrency: { limit: 3 },
      updatedAt: clock.now(),
    });
    await clock.advance(0);
    expect([running.get("heavy"), running.get("light")]).toEqual([3, 1]);
    const rows = fairway.flowState("chat").sort((a, b) => a.key.localeCompare(b.key));
    expect(rows.map((row) => [row.key, row.running, row.queued])).toEqual([
      ["heavy", 3, 1],
      ["light", 1, 2],
    ]);

    expect(await fairway.limits.delete("chat", "heavy")).toBe(true);
    releaseAll();
    await clock.advance(0);
    expect([running.get("heavy"), running.get("light")]).toEqual([1, 1]);
    releaseAll();
    await clock.advance(0);
    releaseAll();
    await clock.advance(0);
    releaseAll();
    await fairway.close();
  });

  it("get, list and delete; set replaces the key's override", async () => {
    const clock = new FakeClock();
    const { fairway } = gatedApp(storePath(), clock);
    await fairway.limits.set("chat", "u1", { concurrency: 2 });
    await fairway.limits.set("chat", "u2", { concurrency: { limit: 5, key: "event.data.user" } });
    await fairway.limits.set("chat", "u1", { concurrency: 4 });
    expect(await fairway.limits.get("chat", "u1")).toMatchObject({ concurrency: { limit: 4 } });
    expect(await fairway.limits.get("chat", "nobody")).toBeUndefined();
    expect((await fairway.limits.list()).map((o) => [o.key, o.concurrency])).toEqual([
      ["u1", { limit: 4 }],
      ["u2", { limit: 5, key: "event.data.user" }],
    ]);
    expect(await fairway.limits.list("other")).toEqual([]);
    expect(await fairway.limits.delete("chat", "u1")).toBe(true);
    expect(await fairway.limits.delete("chat", "u1")).toBe(false);
    expect((await fairway.limits.list("chat")).map((o) => o.key)).toEqual(["u2"]);
    await fairway.close();
  });

  it.each([
    [{ concurrency: 0 }, "concurrency", "integer from 1 to 1000000"],
    [{ concurrency: 1.5 }, "concurrency", "integer"],
    [{ concurrency: { limit: 2, key: "event.data.org" } }, "concurrency.key", '"event.data.user"'],
    [{ concurrency: { limit: 2, extra: 1 } }, "concurrency.extra", "not a known field"],
    [{ throttle: { limit: 1, period: "1s" } }, "throttle", "no keyed throttle"],
    [{ rateLimit: { limit: 1, period: "1s" } }, "rateLimit", "no keyed rateLimit"],
    [{}, "limits", "at least one of"],
    [{ concurrency: 2, priority: 1 }, "limits.priority", "not a known field"],
  ])("refuses %j with a ConfigError naming %s", async (input, path, rule) => {
    const clock = new FakeClock();
    const { fairway } = gatedApp(storePath(), clock);
    const error = await fairway.limits.set("chat", "u1", input as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
    expect((error as ConfigError).message).toContain(rule);
    expect(await fairway.limits.list()).toEqual([]);
    await fairway.close();
  });

  it("refuses an empty key and an unknown function", async () => {
    const clock = new FakeClock();
    const { fairway } = gatedApp(storePath(), clock);
    await expect(fairway.limits.set("chat", "", { concurrency: 2 })).rejects.toMatchObject({ path: "key" });
    await expect(fairway.limits.set("nope", "u1", { concurrency: 2 })).rejects.toBeInstanceOf(NotFoundError);
    await fairway.close();
  });
});

describe("limit overrides, durably", () => {
  it("survive a restart on the same SQLite file and apply to the runs recovered there", async () => {
    const path = join(tempDir(), "fairway.db");
    const clock = new FakeClock();
    const first = gatedApp(path, clock);
    await first.fairway.limits.set("chat", "heavy", { concurrency: 3 });
    await first.fairway.close();

    const second = gatedApp(path, clock);
    await second.send("heavy", 4);
    await second.send("light", 2);
    await clock.advance(0);
    expect([second.running.get("heavy"), second.running.get("light")]).toEqual([3, 1]);
    expect(await second.fairway.limits.get("chat", "heavy")).toMatchObject({ concurrency: { limit: 3 } });
    for (let i = 0; i < 4; i++) {
      second.releaseAll();
      await clock.advance(0);
    }
    await second.fairway.close();
  });

  it("a second client on the same store sees an override within limitsRefreshMs", async () => {
    const path = join(tempDir(), "fairway.db");
    const seen = await overrideSeen(path, new SqliteStore({ path }), 1000, { limitsRefreshMs: 1000 });
    expect(seen).toEqual([1, 1, 2]);
  });

  it.each([
    [true, 2],
    [false, 1],
  ])(
    "by default a store that says it is shared (%s here, on SQLite) reloads overrides every 2 s; an unshared one never",
    async (shared, after) => {
      const path = join(tempDir(), "fairway.db");
      const store = new SqliteStore({ path });
      // What the engine goes by is the store's word, not its kind.
      Object.defineProperty(store, "shared", { value: shared });
      expect(await overrideSeen(store, new SqliteStore({ path }), 2000)).toEqual([1, 1, after]);
    },
  );

  it("a second worker on PostgreSQL sees an override another worker set, within limitsRefreshMs", async () => {
    const store = testPostgresStore();
    // Another process (an admin's, or another worker's `fairway.limits.set`) on the same database and schema.
    const admin = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema: store.schema });
    expect(await overrideSeen(store, admin, 1000, { limitsRefreshMs: 1000 })).toEqual([1, 1, 2]);
  });
});
