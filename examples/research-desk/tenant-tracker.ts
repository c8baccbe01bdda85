/**
 * Per-user bookkeeping of the load run, fed with run lifecycle transitions: how many runs each user has
 * queued, running and finished, the most that ever ran at once, start latencies, and skip reasons.
 * Pure: the caller passes every timestamp.
 *
 * @module
 */
import { percentile } from "./stats.js";

/** How a run ended, as far as the tracker cares. */
export type RunOutcome = "completed" | "failed" | "cancelled" | "skipped";

/** One user's numbers at a moment. Latencies in ms. */
export interface TenantSnapshot {
  userId: string;
  plan: string;
  sent: number;
  queued: number;
  /** Of the queued runs, those waiting for their throttle time (from the engine's flow state), when known. */
  throttled?: number;
  running: number;
  completed: number;
  failed: number;
  skipped: number;
  /** Highest number of this user's runs executing at the same time so far. */
  maxRunning: number;
  startP50?: number;
  startP99?: number;
}

interface Tenant {
  userId: string;
  plan: string;
  sent: number;
  queued: Set<string>;
  running: Set<string>;
  completed: number;
  failed: number;
  skipped: number;
  maxRunning: number;
  startLatencies: number[];
}

interface TrackedRun {
  userId: string;
  sentAt: number;
  started: boolean;
  ended: boolean;
}

/** Tracks runs by id; each transition is applied at most once, so duplicate notifications are harmless. */
export class TenantTracker {
  readonly #tenants = new Map<string, Tenant>();
  readonly #runs = new Map<string, TrackedRun>();
  readonly #skipReasons = new Map<string, number>();
  #globalRunning = 0;
  #globalMaxRunning = 0;
  #pending = 0;

  #tenant(userId: string, plan = "free"): Tenant {
    let tenant = this.#tenants.get(userId);
    if (!tenant) {
      tenant = {
        userId,
        plan,
        sent: 0,
        queued: new Set(),
        running: new Set(),
        completed: 0,
        failed: 0,
        skipped: 0,
        maxRunning: 0,
        startLatencies: [],
      };
      this.#tenants.set(userId, tenant);
    }
    return tenant;
  }

  /** A question was sent and accepted as run `runId` at `sentAt` (ms). */
  accepted(runId: string, userId: string, plan: string, sentAt: number): void {
    if (this.#runs.has(runId)) return;
    const tenant = this.#tenant(userId, plan);
    tenant.sent++;
    tenant.queued.add(runId);
    this.#runs.set(runId, { userId, sentAt, started: false, ended: false });
    this.#pending++;
  }

  /** Run `runId` began executing at `at` (ms); its start latency is `at − sentAt`. Unknown ids are ignored. */
  started(runId: string, at: number): void {
    const run = this.#runs.get(runId);
    if (!run || run.ended) return;
    const tenant = this.#tenant(run.userId);
    if (!run.started) {
      run.started = true;
      tenant.startLatencies.push(Math.max(0, at - run.sentAt));
    }
    tenant.queued.delete(runId);
    if (!tenant.running.has(runId)) {
      tenant.running.add(runId);
      this.#globalRunning++;
    }
    tenant.maxRunning = Math.max(tenant.maxRunning, tenant.running.size);
    this.#globalMaxRunning = Math.max(this.#globalMaxRunning, this.#globalRunning);
  }

  /** Run `runId` stopped executing without ending (sleeping, waiting, backing off): it holds no slot. */
  paused(runId: string): void {
    const run = this.#runs.get(runId);
    if (!run || run.ended) return;
    const tenant = this.#tenant(run.userId);
    if (tenant.running.delete(runId)) this.#globalRunning--;
  }

  /** Run `runId` ended with `outcome`; `reason` is recorded for skipped runs. */
  ended(runId: string, outcome: RunOutcome, reason?: string): void {
    const run = this.#runs.get(runId);
    if (!run || run.ended) return;
    run.ended = true;
    this.#pending--;
    const tenant = this.#tenant(run.userId);
    tenant.queued.delete(runId);
    if (tenant.running.delete(runId)) this.#globalRunning--;
    if (outcome === "completed") tenant.completed++;
    else if (outcome === "skipped") {
      tenant.skipped++;
      const key = reason ?? "no reason given";
      this.#skipReasons.set(key, (this.#skipReasons.get(key) ?? 0) + 1);
    } else tenant.failed++;
  }

  /** Runs accepted but not yet ended. */
  get pending(): number {
    return this.#pending;
  }

  /** Runs of `userId` accepted but not yet started (0 for an unknown user). */
  queuedOf(userId: string): number {
    return this.#tenants.get(userId)?.queued.size ?? 0;
  }

  /** The most runs of all users that executed at once. */
  get globalMaxRunning(): number {
    return this.#globalMaxRunning;
  }

  /** Skip reasons and how many runs each skipped, most frequent first. */
  skipReasons(): Array<{ reason: string; count: number }> {
    return [...this.#skipReasons]
      .map(([reason, count]) => ({ reason, count }))
      .sort((x, y) => y.count - x.count || (x.reason < y.reason ? -1 : 1));
  }

  /** Every user's numbers, sorted by user id. */
  snapshot(): TenantSnapshot[] {
    return [...this.#tenants.values()]
      .sort((x, y) => (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0))
      .map((tenant) => {
        const snapshot: TenantSnapshot = {
          userId: tenant.userId,
          plan: tenant.plan,
          sent: tenant.sent,
          queued: tenant.queued.size,
          running: tenant.running.size,
          completed: tenant.completed,
          failed: tenant.failed,
          skipped: tenant.skipped,
          maxRunning: tenant.maxRunning,
        };
        const p50 = percentile(tenant.startLatencies, 50);
        const p99 = percentile(tenant.startLatencies, 99);
        if (p50 !== undefined) snapshot.startP50 = p50;
        if (p99 !== undefined) snapshot.startP99 = p99;
        return snapshot;
      });
  }
}
