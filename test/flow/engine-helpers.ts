import type { Fairway, HandlerContext } from "../../src/index.js";

/**
 * Defines functions `a` (event `ea`) and `b` (event `eb`) with one concurrency limit each on the shared key
 * `event.data.user` in `scope`.
 */
export function sharedKeyPair(
  fairway: Fairway,
  scope: "env" | "account",
  limits: [a: number, b: number],
  handler: (context: HandlerContext) => Promise<unknown>,
): void {
  fairway.createFunction(
    { id: "a", concurrency: { limit: limits[0], key: "event.data.user", scope } },
    { event: "ea" },
    handler,
  );
  fairway.createFunction(
    { id: "b", concurrency: { limit: limits[1], key: "event.data.user", scope } },
    { event: "eb" },
    handler,
  );
}

/**
 * A handler whose runs block until the test releases them, tracking how many run at once per key
 * (`event.data.user`, or `""`) and in total.
 */
export function gatedHandler() {
  const open = new Map<string, { key: string; release: () => void }>();
  const peakByKey = new Map<string, number>();
  const started: string[] = [];
  let peak = 0;
  const activeOf = (key: string) => [...open.values()].filter((entry) => entry.key === key).length;
  return {
    started,
    get peak() {
      return peak;
    },
    peakOf: (key: string) => peakByKey.get(key) ?? 0,
    active: () => open.size,
    activeOf,
    activeIds: () => [...open.keys()],
    handler: async ({ event, runId }: HandlerContext) => {
      const key = typeof event.data.user === "string" ? event.data.user : "";
      started.push(runId);
      await new Promise<void>((release) => {
        open.set(runId, { key, release });
        peak = Math.max(peak, open.size);
        peakByKey.set(key, Math.max(peakByKey.get(key) ?? 0, activeOf(key)));
      });
      open.delete(runId);
      return key;
    },
    /** Lets every run (including ones that start meanwhile) finish. */
    async drain(advance: () => Promise<void>) {
      while (open.size > 0) {
        for (const id of [...open.keys()]) {
          open.get(id)?.release();
          open.delete(id);
        }
        await advance();
      }
    },
    /** Lets one run (the oldest started that is still open, or `runId`) finish. */
    release(runId?: string) {
      const id = runId ?? [...open.keys()][0];
      const entry = id === undefined ? undefined : open.get(id);
      if (!entry || id === undefined) throw new Error("no open run to release");
      open.delete(id);
      entry.release();
    },
  };
}

/** Statuses of a function's runs, oldest first. */
export async function statuses(fairway: Fairway, functionId: string): Promise<string[]> {
  const { runs } = await fairway.listRuns({ functionId, limit: 1000 });
  return runs.reverse().map((run) => run.status);
}

/** `n` events of `name` for `user`. */
export function eventsFor(
  name: string,
  user: string | undefined,
  n: number,
  data: Record<string, unknown> = {},
) {
  return Array.from({ length: n }, (_, i) => ({
    name,
    data: user === undefined ? { i, ...data } : { user, i, ...data },
  }));
}
