/**
 * The S4 scenario shared by the test and its worker processes: 1,000 keys (every key one run, the first
 * `hotKeys` keys `hotRuns` more), per-key concurrency 2 and a function-wide limit, priorities, two
 * recorded steps per run, a short lease so a killed worker's runs and slots come back quickly.
 */
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
  hotRuns: 4,
  perKey: 2,
  functionWide: 16,
  steps: ["a", "b"],
  /** Work per step body, ms. */
  stepMs: 4,
  leaseMs: 2000,
  sweepMs: 200,
  /** Every event, in a fixed order with fixed ids: key `k<n>`, priority 0 or 60 s for every fifth run. */
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
