/**
 * The two scenarios every peer runs, driven the same way for each: the harness owns the clock, the handler
 * and the sizes; a peer only says how to start workers, enqueue and stop (`S1Target`, `S2Target`).
 *
 * S1 (fairness, DESIGN.md §6, as `bench/fairness.ts` runs it): one heavy tenant enqueues `heavyRuns` runs
 * in batches; once they are in, `lightTenants` light tenants each send `lightRunsPerTenant` runs, one every
 * `lightEveryMs` (the same work for every peer, sent while the heavy backlog is at its largest; with
 * `lightDuringFlood`, from the flood's first batch on). Every run is the
 * same handler: 20 ms of simulated I/O. Capacity 32 runs at once, and per tenant as much as each peer can
 * express (32 too, so the heavy tenant alone can fill every slot). Measured: each light run's
 * enqueue→handler-start latency (p50/p99), and the heavy tenant's throughput: its runs divided by the time
 * from its first start to its last completion (a slow enqueue counts against the peer, as users would see).
 *
 * S2 (durable steps): `runs` runs of `steps` checkpointed no-op steps each, `inFlight` runs executing at
 * once; measured: steps/s from the first enqueue to the last completion.
 */

/** Simulated I/O of every S1 run, in ms. */
export const HANDLER_MS = 20;
/** Runs executing at once in S1 (per peer; one process each). */
export const CAPACITY = 32;
/** Checkpointed no-op steps per S2 run. */
export const STEPS = 10;

/** Sizes of one benchmark run. */
export interface Sizes {
  /** S1: runs the heavy tenant enqueues at once. */
  heavyRuns: number;
  /** S1: tenants that each send `lightRunsPerTenant` runs, one every `lightEveryMs`, once the flood is in. */
  lightTenants: number;
  lightRunsPerTenant: number;
  lightEveryMs: number;
  /** S2: runs per in-flight setting (keys: runs executing at once). */
  s2Runs: Record<number, number>;
}

/** `full` is the documented comparison; `smoke` only proves every peer starts and finishes (CI). */
export const SIZES: Record<"full" | "smoke", Sizes> = {
  full: {
    heavyRuns: 5000,
    lightTenants: 20,
    lightRunsPerTenant: 10,
    lightEveryMs: 250,
    s2Runs: { 1: 100, 256: 1000 },
  },
  smoke: {
    heavyRuns: 300,
    lightTenants: 4,
    lightRunsPerTenant: 3,
    lightEveryMs: 50,
    s2Runs: { 1: 5, 256: 40 },
  },
};

/** Give up on one scenario after this long (ms): a peer that stalls fails loudly instead of hanging CI. */
const SCENARIO_TIMEOUT_MS = 240_000;

/** The handler every S1 run executes, in every peer. */
export function simulatedIo(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
}

/** One S1 run's input: its tenant and when it was enqueued (`performance.now()` of this process, ms). */
export interface S1Job {
  tenant: string;
  sentAt: number;
}

/** A peer set up for S1. */
export interface S1Target {
  /**
   * Starts workers that call `handler(job)` for each run, at most `CAPACITY` at once in all and per tenant
   * as the peer allows; the peer's handler must do nothing before it.
   */
  start(handler: (job: S1Job) => Promise<void>): Promise<void>;
  /** Enqueues runs (durably, as the peer does); resolves when they are accepted. */
  send(jobs: S1Job[]): Promise<void>;
  /** Stops workers and removes what the run left behind (queue, schema). */
  close(): Promise<void>;
}

/** A peer set up for S2. */
export interface S2Target {
  /**
   * Starts workers that execute up to `inFlight` runs at once; each run checkpoints `STEPS` no-op steps in
   * order and then calls `onRunDone()`.
   */
  start(inFlight: number, onRunDone: () => void): Promise<void>;
  /** Enqueues runs with these ids; resolves when they are accepted. */
  send(runIds: number[]): Promise<void>;
  close(): Promise<void>;
}

export interface S1Result {
  lightP50Ms: number;
  lightP99Ms: number;
  lightRuns: number;
  /** p99 of a light run's send → acknowledged (part of its start latency where the peer starts after it). */
  lightEnqueueP99Ms: number;
  heavyRunsPerSecond: number;
  /** Time the flood took to enqueue (s): where it is close to the drain time, enqueue was the limit. */
  floodEnqueueSeconds: number;
  seconds: number;
}

export interface S2Result {
  inFlight: number;
  runs: number;
  stepsPerSecond: number;
  seconds: number;
}

/** The `p`-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Resolves with `promise`, or rejects naming `what` after SCENARIO_TIMEOUT_MS. */
async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${SCENARIO_TIMEOUT_MS / 1000} s`)),
      SCENARIO_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise and its resolver. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const HEAVY = "heavy";
/** Enqueue in batches of this many runs (every peer has a bulk enqueue, or takes them in parallel). */
const SEND_BATCH = 500;

/** How S1 runs. */
export interface S1Options {
  /**
   * Start the light tenants' schedule with the flood's first batch instead of once the flood is enqueued:
   * their runs then also wait for whatever the peer does while it takes in large batches.
   * @default false
   */
  lightDuringFlood?: boolean;
}

/** Runs S1 on `target` (see the module comment) and stops it. */
export async function runS1(target: S1Target, sizes: Sizes, options: S1Options = {}): Promise<S1Result> {
  const starts: Array<{ tenant: string; sentAt: number; startedAt: number }> = [];
  const heavyEnds: number[] = [];
  const lightRuns = sizes.lightTenants * sizes.lightRunsPerTenant;
  let lightEnded = 0;
  /** Per light run: ms from its send until the peer acknowledged it (durably enqueued). */
  const lightAcks: number[] = [];
  const heavyDone = deferred();
  const lightDone = deferred();
  await target.start(async (job) => {
    starts.push({ ...job, startedAt: performance.now() });
    await simulatedIo();
    if (job.tenant === HEAVY) {
      heavyEnds.push(performance.now());
      if (heavyEnds.length === sizes.heavyRuns) heavyDone.resolve();
    } else if (++lightEnded === lightRuns) {
      lightDone.resolve();
    }
  });
  const began = performance.now();
  const timers: NodeJS.Timeout[] = [];
  // Tenant t sends its k-th light run (t / lightTenants + k) × lightEveryMs after the schedule starts.
  const scheduleLight = () => {
    for (let t = 0; t < sizes.lightTenants; t++) {
      for (let k = 0; k < sizes.lightRunsPerTenant; k++) {
        const tenant = `light-${t}`;
        const send = () => {
          const sentAt = performance.now();
          target.send([{ tenant, sentAt }]).then(
            () => lightAcks.push(performance.now() - sentAt),
            (error: unknown) => {
              console.error(`light send failed: ${String(error)}`);
              process.exitCode = 1;
            },
          );
        };
        timers.push(setTimeout(send, (t / sizes.lightTenants + k) * sizes.lightEveryMs));
      }
    }
  };
  if (options.lightDuringFlood) scheduleLight();
  for (let offset = 0; offset < sizes.heavyRuns; offset += SEND_BATCH) {
    const now = performance.now();
    const size = Math.min(SEND_BATCH, sizes.heavyRuns - offset);
    await target.send(Array.from({ length: size }, () => ({ tenant: HEAVY, sentAt: now })));
  }
  const floodEnqueued = performance.now();
  if (!options.lightDuringFlood) scheduleLight();
  try {
    await withTimeout(Promise.all([heavyDone.promise, lightDone.promise]), "S1");
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  const seconds = (performance.now() - began) / 1000;
  await target.close();

  const lastHeavyEnd = Math.max(...heavyEnds);
  const firstHeavyStart = Math.min(...starts.filter((s) => s.tenant === HEAVY).map((s) => s.startedAt));
  const light = starts.filter((s) => s.tenant !== HEAVY).map((s) => s.startedAt - s.sentAt);
  return {
    lightP50Ms: percentile(light, 50),
    lightP99Ms: percentile(light, 99),
    lightRuns: light.length,
    lightEnqueueP99Ms: percentile(lightAcks, 99),
    heavyRunsPerSecond: sizes.heavyRuns / ((lastHeavyEnd - firstHeavyStart) / 1000),
    floodEnqueueSeconds: (floodEnqueued - began) / 1000,
    seconds,
  };
}

/** Runs S2 with `inFlight` runs at once on `target` and stops it. */
export async function runS2(target: S2Target, inFlight: number, runs: number): Promise<S2Result> {
  let done = 0;
  const allDone = deferred();
  await target.start(inFlight, () => {
    if (++done === runs) allDone.resolve();
  });
  const began = performance.now();
  for (let offset = 0; offset < runs; offset += SEND_BATCH) {
    const size = Math.min(SEND_BATCH, runs - offset);
    await target.send(Array.from({ length: size }, (_, i) => offset + i));
  }
  await withTimeout(allDone.promise, `S2 (${inFlight} in flight)`);
  const seconds = (performance.now() - began) / 1000;
  await target.close();
  return { inFlight, runs, stepsPerSecond: (runs * STEPS) / seconds, seconds };
}
