/**
 * S4 with real worker processes (issue 12): four workers of one app on one PostgreSQL schema, 1,000 keys,
 * per-key concurrency 2 plus a function-wide limit and priorities (`s4-plan.ts`); one worker is SIGKILLed
 * mid-run, while it executes runs and before every run it accepted has started. The handlers record each step
 * body's start and end in their own table, and the checks read that table: no limit exceeded at any instant
 * (the killed worker's open bodies count as ended at the kill), every run completed, no step body run again
 * after its checkpoint was stored, and the runs the killed worker held resumed elsewhere within the lease
 * time. Synchronization is by files and rows the children write (polled, with deadlines), never by sleeping.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.js";
import { S4 } from "./s4-plan.js";

const worker = join(import.meta.dirname, "s4-worker.ts");
const children = new Set<ChildProcess>();
afterEach(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all([...children].map(exited));
  children.clear();
});

/** One step body as the handler recorded it (ms timestamps of the workers' clock: one machine). */
interface LogRow {
  run_id: string;
  step_id: string;
  key: string;
  worker: number;
  started_at: number;
  ended_at: number | null;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/** Polls `check` every 20 ms until it is true; throws after `timeoutMs` or when a worker exits. */
async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    for (const child of children)
      if (child.exitCode !== null)
        throw new Error(`a worker exited (${child.exitCode}) while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The most intervals open at once, per group; intervals are half-open [start, end). */
function peakOverlap(intervals: Array<{ group: string; start: number; end: number }>): Map<string, number> {
  const edges = intervals.flatMap(({ group, start, end }) => [
    { group, at: start, delta: 1 },
    { group, at: end, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const { group, delta } of edges) {
    const now = (open.get(group) ?? 0) + delta;
    open.set(group, now);
    peak.set(group, Math.max(peak.get(group) ?? 0, now));
  }
  return peak;
}

describe("S4: four worker processes on one PostgreSQL schema, one SIGKILLed mid-run", () => {
  it("0 limit violations, 0 runs lost, 0 checkpointed steps repeated, the killed worker's runs resumed within the lease", {
    timeout: 170_000,
  }, async () => {
    const schema = uniqueSchema("s4");
    const dir = mkdtempSync(join(tmpdir(), "fairway-s4-"));
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    const count = async (sql: string) => Number((await db.query(sql)).rows[0]?.n ?? 0);
    try {
      await db.query(`CREATE SCHEMA ${schema}`);
      await db.query(`CREATE TABLE ${schema}.s4_log (id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL,
          step_id TEXT NOT NULL, key TEXT NOT NULL, worker INT NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT)`);
      await db.query(
        `CREATE TABLE ${schema}.s4_entry (run_id TEXT NOT NULL, worker INT NOT NULL, at BIGINT NOT NULL)`,
      );
      const total = S4.events().length;
      /** Runs the rate limit skips: every hot key's runs beyond `ratePerKey`. */
      const skipped = S4.hotKeys * (1 + S4.hotRuns - S4.ratePerKey);
      /** Runs admitted, each of which must complete. */
      const admitted = total - skipped;
      const processes = Array.from({ length: S4.workers }, (_, index) => {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", worker, dir, schema, String(index), String(S4.workers)],
          // Each worker's errors go to its own file (an inherited pipe that fills up would stall it).
          { stdio: ["ignore", "ignore", openSync(join(dir, `stderr-${index}`), "w")] },
        );
        children.add(child);
        return child;
      });
      const killed = S4.workers - 1;
      const victim = processes[killed]!;
      const victimLeases = `${schema}.runs WHERE lease_owner LIKE '%:${victim.pid}:%'`;
      const sentByVictim = `(events::jsonb->0->'data'->>'sender')::int = ${killed}`;
      const sent = (index: number) => existsSync(join(dir, `sent-${index}`));
      const startedAt = Date.now();
      await until("the last worker's events", 60_000, () => sent(killed));
      // Kill the last worker while it executes runs (most runs it accepted have not started yet: the others
      // take them from the store). It is stopped first, so the runs it holds are read while nothing changes them: a stopped process renews
      // nothing, and its leases are live (the survivors wait for them or for its death).
      let held: string[] = [];
      await until("the last worker holding runs", 30_000, async () => {
        victim.kill("SIGSTOP");
        held = (
          await db.query<{ id: string }>(
            `SELECT id FROM ${victimLeases} AND status = 'running' AND lease_expires_at > ${Date.now()}`,
          )
        ).rows.map((row) => row.id);
        if (held.length === 0) victim.kill("SIGCONT");
        return held.length > 0;
      });
      children.delete(victim);
      victim.kill("SIGKILL");
      await exited(victim);
      const killAt = Date.now();
      await until("every other worker's events", 60_000, () =>
        processes.every((_, index) => index === killed || sent(index)),
      );
      const unstarted = await count(
        `SELECT COUNT(*) AS n FROM ${schema}.runs WHERE ${sentByVictim} AND started_at IS NULL`,
      );

      const stranded = async () => ({
        states: (
          await db.query(
            `SELECT status, started_at IS NOT NULL AS started, lease_owner IS NOT NULL AS leased, COUNT(*)::int AS n
             FROM ${schema}.runs WHERE function_id = 'limited' GROUP BY 1, 2, 3`,
          )
        ).rows,
        lastTenSeconds: await count(
          `SELECT COUNT(*) AS n FROM ${schema}.s4_log WHERE started_at > ${Date.now() - 10_000}`,
        ),
        runs: (
          await db.query(
            `SELECT id, status, lease_owner, lease_expires_at, ready_at, started_at, created_at, backlog_key
             FROM ${schema}.runs WHERE function_id = 'limited' AND status <> 'completed' ORDER BY id LIMIT 10`,
          )
        ).rows,
      });
      await until("every run completed", 100_000, async () => {
        const done = await count(
          `SELECT COUNT(*) AS n FROM ${schema}.runs WHERE function_id = 'limited' AND status = 'completed'`,
        );
        return done === admitted;
      }).catch(async (error: Error) => {
        const rows = await stranded();
        const errors = processes.map((_, index) =>
          readFileSync(join(dir, `stderr-${index}`), "utf8").slice(-2000),
        );
        throw new Error(
          `${error.message} (${Date.now() - killAt} ms after the kill at ${killAt}): ${JSON.stringify(rows, null, 1)}\n${errors.join("\n")}`,
        );
      });
      const finishedAt = Date.now();
      for (const child of children) child.kill("SIGKILL");
      await Promise.all([...children].map(exited));

      // 0 runs lost: every event has one run, completed unless the rate limit skipped it — exactly the hot
      // keys' runs beyond the limit, however the four workers' accepts interleaved.
      const statuses = await db.query(
        `SELECT status, COUNT(*)::int AS n FROM ${schema}.runs WHERE function_id = 'limited' GROUP BY status
         ORDER BY status`,
      );
      expect(statuses.rows).toEqual([
        { status: "completed", n: admitted },
        { status: "skipped", n: skipped },
      ]);
      const rows = (
        await db.query<LogRow>(`SELECT * FROM ${schema}.s4_log ORDER BY started_at, id`)
      ).rows.map((row) => ({
        ...row,
        started_at: Number(row.started_at),
        ended_at: row.ended_at === null ? null : Number(row.ended_at),
      }));
      // Bodies still open: only the killed worker's, ended at the kill.
      expect(rows.filter((row) => row.ended_at === null && row.worker !== killed)).toEqual([]);
      const intervals = rows.map((row) => ({
        key: row.key,
        start: row.started_at,
        end: row.ended_at ?? killAt,
      }));

      // 0 limit violations, as the handlers saw them; and the limits were reached (else this proves nothing).
      const perKey = peakOverlap(intervals.map(({ key, start, end }) => ({ group: key, start, end })));
      const overall = peakOverlap(intervals.map(({ start, end }) => ({ group: "*", start, end })));
      expect([...perKey].filter(([, peak]) => peak > S4.perKey)).toEqual([]);
      expect(overall.get("*")).toBeLessThanOrEqual(S4.functionWide);
      expect(Math.max(...perKey.values())).toBe(S4.perKey);
      // The rate limit, as the handlers saw it: no key's handler ran for more than `ratePerKey` runs.
      const runsPerKey = new Map<string, Set<string>>();
      for (const row of rows) runsPerKey.set(row.key, (runsPerKey.get(row.key) ?? new Set()).add(row.run_id));
      expect([...runsPerKey].filter(([, runs]) => runs.size > S4.ratePerKey)).toEqual([]);
      expect(runsPerKey.size).toBe(S4.keys);

      // 0 checkpoints repeated: no step body started after its step's checkpoint was stored (a body runs
      // again only where the checkpoint of an earlier one never was: the killed worker's, or a worker's whose
      // lease ran out and whose write the lease fence refused), and every step is stored completed once.
      const stored = new Map(
        (
          await db.query<{ run_id: string; id: string; ended_at: string }>(
            `SELECT run_id, id, ended_at FROM ${schema}.steps WHERE status = 'completed' AND op = 'run'`,
          )
        ).rows.map((row) => [`${row.run_id}/${row.id}`, Number(row.ended_at)]),
      );
      expect(stored.size).toBe(admitted * S4.steps.length);
      const afterCheckpoint = rows.filter(
        (row) => row.started_at > (stored.get(`${row.run_id}/${row.step_id}`) ?? Number.NEGATIVE_INFINITY),
      );
      expect(afterCheckpoint).toEqual([]);
      const bodies = new Set(rows.map((row) => `${row.run_id}/${row.step_id}`));
      expect(bodies.size).toBe(stored.size);

      // Recovery within the lease time: every run the killed worker held was taken by a survivor (its handler
      // entered there) within leaseMs of the kill (on one host the survivors' sweep finds the owner's process
      // gone and releases its leases at once; elsewhere they run out within leaseMs).
      expect(held.length).toBeGreaterThan(0);
      const takenOver = (
        await db.query<{ run_id: string; at: string }>(
          `SELECT run_id, MIN(at) AS at FROM ${schema}.s4_entry WHERE worker <> ${killed} AND at >= ${killAt}
           GROUP BY run_id`,
        )
      ).rows.map((row) => [row.run_id, Number(row.at) - killAt] as const);
      const recovery = new Map(takenOver);
      expect(held.filter((runId) => !recovery.has(runId))).toEqual([]);
      const slowest = Math.max(...held.map((runId) => recovery.get(runId) ?? 0));
      console.log(
        `S4: killed ${killAt - startedAt} ms after the start; ${admitted} runs (${skipped} skipped by the rate limit), ${rows.length} step bodies (${rows.length - bodies.size} run again), ` +
          `peak ${overall.get("*")}/${S4.functionWide} function-wide; killed worker: ${held.length} runs held, ` +
          `${unstarted} of its own not started, taken over within ${slowest} ms; all done ${finishedAt - killAt} ms after the kill`,
      );
      expect(slowest).toBeLessThanOrEqual(S4.leaseMs);
    } finally {
      await db.end();
      for (const child of children) child.kill("SIGKILL");
      await Promise.all([...children].map(exited));
      await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
