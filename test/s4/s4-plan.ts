/**
 * The S4 scenario (issue 12), shared by the test and its worker processes: 1,000 keys (every key one run,
 * the first `hotKeys` keys `hotRuns` more, so per-key limits are reached), per-key concurrency 2 plus a
 * function-wide limit, a rate limit per key (decided when a worker stores the run: of a hot key's runs, sent
 * through all four workers, exactly `ratePerKey` are admitted), priorities, two recorded steps per run. The lease (5 s) is short for a test of
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
  hotKeys: 20,
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
  /** Every event, in a fixed order with fixed ids: key `k<n>`, priority 0, or 60 s for every fifth run. */
  events(): S4Event[] {
    const events: S4Event[] = [];
    for (let key = 0; key < this.keys; key++) {
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
