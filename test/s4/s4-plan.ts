/**
 * The S4 scenario (issue 12), shared by the test and its worker processes: 1,000 keys, every key one run and
 * the `hotKeys` hot keys `hotRuns` more, per-key concurrency 2 plus a function-wide limit, a rate limit per
 * key (decided when a worker stores the run: of a hot key's runs, sent through all four workers, exactly
 * `ratePerKey` are admitted), priorities, two recorded steps per run. The per-key limit is reached by
 * construction, not by luck: the hot keys' events come last, so the runs left at the end are theirs alone, and
 * `hotKeys × perKey ≤ functionWide`, so every hot key can hold its per-key limit at once (while cold keys
 * wait, fairness across keys serves each hot key once per round; with 20 hot keys sent first, a key's two
 * runs overlapped only by chance, and under load sometimes never). The lease (5 s) is short for a test of
 * recovery, long enough that a live worker on a loaded shared box does not lose its leases (a worker whose
 * lease runs out may still be inside a step body when another takes its slot: its writes are fenced, not
 * its code). The function's flow control is {@link s4Config}.
 *
 * @module
 */
import type { FunctionConfig } from "../../src/index.js";

/** One event of the scenario. */
export interface S4Event {
  id: string;
  name: string;
  data: { key: string; priority: number; sender?: number };
}

export const S4 = {
  workers: 4,
  keys: 1000,
  hotKeys: 6,
  hotRuns: 7,
  perKey: 2,
  functionWide: 16,
  /** Runs admitted per key per hour (the rate limit): a hot key's further runs are skipped, a cold key's one is not. */
  ratePerKey: 6,
  steps: ["a", "b"],
  /** Work per step body, ms. */
  stepMs: 10,
  leaseMs: 5000,
  sweepMs: 200,
  /**
   * Every event, in a fixed order with fixed ids: the cold keys' (`k<hotKeys>` on), then the hot keys'
   * (`k0` to `k<hotKeys - 1>`); priority 0, or 60 s for every fifth event.
   */
  events(): S4Event[] {
    const events: S4Event[] = [];
    const keys = Array.from({ length: this.keys }, (_, key) => (key + this.hotKeys) % this.keys);
    for (const key of keys) {
      const runs = key < this.hotKeys ? 1 + this.hotRuns : 1;
      for (let n = 0; n < runs; n++) {
        const position = events.length;
        events.push({
          id: `s4-${key}-${n}`,
          name: "s4/go",
          data: { key: `k${key}`, priority: position % 5 === 0 ? 60 : 0 },
        });
      }
    }
    return events;
  },
};

/**
 * The limited function's flow control, as every worker defines it: a control added here applies to every
 * worker; the test counts a run the rate limit skips as not lost (`status = 'skipped'`), and exactly the runs
 * beyond `ratePerKey` per key are skipped.
 */
export const s4Config = {
  id: "limited",
  concurrency: [{ limit: S4.perKey, key: "event.data.key" }, { limit: S4.functionWide }],
  priority: { run: "event.data.priority" },
  rateLimit: { limit: S4.ratePerKey, period: "1h", key: "event.data.key" },
} satisfies FunctionConfig;
