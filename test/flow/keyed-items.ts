import type { FairScheduler } from "../../src/flow/fair-scheduler.js";
import type { QueueItem } from "../../src/flow/queue-item.js";

/** A start of function `fn` under a per-user concurrency limit of 1 (claim `fn:fn:u=<user>`). */
export function keyedStart(runId: string, user: string, extra: Partial<QueueItem> = {}): QueueItem {
  return {
    runId,
    functionId: "fn",
    kind: "start",
    createdAt: 0,
    claims: [{ id: `fn:fn:u=${user}`, limit: 1, keyExpression: "u", keyValue: user }],
    key: user,
    ...extra,
  };
}

/** Dispatches everything that may start at `now`; returns run ids. */
export function drain(scheduler: FairScheduler, now = 0): string[] {
  const out: string[] = [];
  for (let next = scheduler.next(now); next; next = scheduler.next(now)) out.push(next.runId);
  return out;
}
