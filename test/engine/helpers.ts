import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AnyFairway, Fairway, type FairwayOptions, type RunEvent } from "../../src/index.js";
import type { RunRecord, Store } from "../../src/store/store.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { testPostgresStore } from "../helpers/postgres.js";

/** Store kinds every engine test runs against. */
export const storeKinds = ["memory", "sqlite", "postgres"] as const;

/**
 * The kinds for a test that moves the fake clock by a year: PostgreSQL is left out because a year of fake
 * time is thousands of recovery sweeps (one every hour of idle time at least), each a database round trip,
 * which outlasts the test timeout; the same code paths run on PostgreSQL with shorter sleeps.
 */
export const yearLongStoreKinds = ["memory", "sqlite"] as const;

/** A fresh temp directory. */
export function tempDir(prefix = "fairway-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A Fairway on a fake clock and the given store kind, with a silent logger. */
export function makeFairway(kind: (typeof storeKinds)[number], options: Partial<FairwayOptions> = {}) {
  const clock = new FakeClock();
  const store =
    kind === "postgres"
      ? testPostgresStore({ maxConnections: 2 })
      : kind === "memory"
        ? "memory"
        : join(tempDir(), "fairway.db");
  const fairway = new Fairway({
    id: "test",
    store,
    clock,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    retryBackoffScale: 0,
    // Limit overrides reload every 2 s on PostgreSQL by default: 43,200 reads in a day the fake clock skips.
    // Tests of the reload (limit-overrides.test.ts) set it themselves.
    limitsRefreshMs: 0,
    // Events kept only while something can read them, a pass a minute after start and every hour: every
    // engine and flow test checks that retention changes no decision (test/engine/retention.test.ts: the passes).
    retention: { eventsMs: 0 },
    ...options,
  });
  return { fairway, clock };
}

/** Resolves with the first run event of `type` for `runId` (or any run when omitted). */
export function nextRunEvent(fairway: AnyFairway, type: RunEvent["type"], runId?: string): Promise<RunEvent> {
  return new Promise((resolve) => {
    const off = fairway.onRunEvent((event) => {
      if (event.type === type && (runId === undefined || event.runId === runId)) {
        off();
        resolve(event);
      }
    });
  });
}

/** The id of the single run started by the event `eventId`. */
export async function runOf(fairway: AnyFairway, functionId: string): Promise<string> {
  const { runs } = await fairway.listRuns({ functionId });
  const run = runs[0];
  if (!run) throw new Error(`no run of ${functionId}`);
  return run.id;
}

/** A queued run of function `f` as a store holds it, due at `readyAt` (for tests that write runs directly). */
export function queuedRun(id: string, readyAt: number): RunRecord {
  return {
    id,
    functionId: "f",
    status: "queued",
    eventIds: [],
    events: [{ name: "go", data: { n: id }, id, ts: readyAt }],
    attempt: 0,
    createdAt: readyAt,
    readyAt,
    eventSeq: 0,
    backlogKey: "f\u0000",
  };
}

/** A promise and the function that resolves it (for a test to await what its handler or store reached). */
export function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/**
 * `store` as seen by a process that dies right after a write commits: the first call of one of `methods`
 * whose arguments and result satisfy `dies` never returns; `died` resolves once that write committed.
 */
export function dyingStore(
  store: Store,
  methods: ReadonlyArray<keyof Store>,
  dies: (args: unknown[], result: unknown) => boolean,
): { store: Store; died: Promise<void> } {
  const died = signal();
  const dying = new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      if (!methods.includes(key as keyof Store)) return value.bind(target);
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        if (!dies(args, result)) return result;
        died.resolve();
        return new Promise(() => {});
      };
    },
  });
  return { store: dying, died: died.promise };
}
