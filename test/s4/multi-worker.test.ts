/**
 * S4 with real worker processes (issue 12): four workers of one app on one PostgreSQL schema, 1,000 keys,
 * per-key concurrency 2 plus a function-wide limit and priorities; one worker is SIGKILLed mid-run. The
 * handlers record each step body's start and end in their own table, and the checks read that table:
 * no limit exceeded at any instant (the killed worker's open bodies count as ended at the kill), every run
 * completed, no step body run again after another worker had it checkpointed, and the killed worker's runs
 * resumed elsewhere within the lease time and a margin. Synchronization is by files and rows the children
 * write (polled), never by sleeping a margin.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.js";
import { S4 } from "./s4-plan.js";

const worker = join(import.meta.dirname, "s4-worker.ts");
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

/** One step body as the handler recorded it (ms timestamps of the workers' clock, one machine). */
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

/** Polls `check` every 20 ms until it is true; fails after `timeoutMs` or when a worker exits. */
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
    timeout: 300_000,
  }, async () => {
    const schema = uniqueSchema("s4");
    const dir = mkdtempSync(join(tmpdir(), "fairway-s4-"));
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      await db.query(`CREATE SCHEMA ${schema}`);
      await db.query(`CREATE TABLE ${schema}.s4_log (id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL,
          step_id TEXT NOT NULL, key TEXT NOT NULL, worker INT NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT)`);
      const total = S4.events().length;
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
      const count = async (sql: string) => Number((await db.query(sql)).rows[0]?.n ?? 0);
      await until("every worker's events", 120_000, () =>
        processes.every((_, index) => existsSync(join(dir, `sent-${index}`))),
      );
      // Kill the last worker while it executes runs, once every run it accepted has started: the runs it
      // holds resume elsewhere from their checkpoints when the lease ends. (A dead worker's never-started
      // backlog is found by the other workers' backlog discovery, which this test does not cover.)
      const killed = S4.workers - 1;
      const sentBy = `(events::jsonb->0->'data'->>'sender')::int = ${killed}`;
      await until("the last worker's runs all started, some still running", 90_000, async () => {
        const waiting = await count(
          `SELECT COUNT(*) AS n FROM ${schema}.runs WHERE ${sentBy} AND started_at IS NULL`,
        );
        const running = await count(
          `SELECT COUNT(*) AS n FROM ${schema}.runs WHERE ${sentBy} AND status = 'running' AND lease_owner IS NOT NULL`,
        );
        return waiting === 0 && running > 0;
      });
      const victim = processes[killed]!;
      children.delete(victim);
      victim.kill("SIGKILL");
      await exited(victim);
      const killAt = Date.now();
      const states = async () =>
        JSON.stringify(
          (
            await db.query(
              `SELECT status, (lease_owner IS NOT NULL) AS leased, (started_at IS NOT NULL) AS started,
                 COUNT(*)::int AS n FROM ${schema}.runs GROUP BY 1, 2, 3`,
            )
          ).rows,
        );
      await until("every run completed", 90_000, async () => {
        const done = await count(
          `SELECT COUNT(*) AS n FROM ${schema}.runs WHERE function_id = 'limited' AND status = 'completed'`,
        );
        return done === total;
      }).catch(async (error: Error) => {
        const errors = processes.map((_, index) =>
          readFileSync(join(dir, `stderr-${index}`), "utf8").slice(-2000),
        );
        throw new Error(`${error.message}: ${await states()}\n${errors.join("\n")}`);
      });
      const finishedAt = Date.now();
      for (const child of children) child.kill("SIGKILL");
      await Promise.all([...children].map(exited));

      const statuses = await db.query(
        `SELECT status, COUNT(*)::int AS n FROM ${schema}.runs WHERE function_id = 'limited' GROUP BY status`,
      );
      expect(statuses.rows).toEqual([{ status: "completed", n: total }]);
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
      const perKey = peakOverlap(intervals.map(({ key, start, end }) => ({ group: key, start, end })));
      const overall = peakOverlap(intervals.map(({ start, end }) => ({ group: "*", start, end })));
      const violations = [...perKey].filter(([, peak]) => peak > S4.perKey);
      expect(violations).toEqual([]);
      expect(overall.get("*")).toBeLessThanOrEqual(S4.functionWide);
      // The limits were reached (the test would prove nothing at a lower load).
      expect(Math.max(...perKey.values())).toBe(S4.perKey);

      // A step body ran again only where the killed worker ran it before (its checkpoint never stored).
      const byStep = new Map<string, LogRow[]>();
      for (const row of rows) {
        const list = byStep.get(`${row.run_id}/${row.step_id}`) ?? [];
        list.push(row);
        byStep.set(`${row.run_id}/${row.step_id}`, list);
      }
      expect(byStep.size).toBe(total * S4.steps.length);
      const repeatedBySurvivor = [...byStep].filter(([, list]) =>
        list.slice(0, -1).some((row) => row.worker !== killed),
      );
      expect(repeatedBySurvivor).toEqual([]);
      const steps = await count(
        `SELECT COUNT(*) AS n FROM ${schema}.steps WHERE status = 'completed' AND op = 'run'`,
      );
      expect(steps).toBe(total * S4.steps.length);

      // The killed worker's unfinished runs were resumed elsewhere within the lease time and a margin (the
      // survivors' sweep every sweepMs, doubling while idle, and a refused claim's backoff).
      const byRun = new Map<string, LogRow[]>();
      for (const row of rows) byRun.set(row.run_id, [...(byRun.get(row.run_id) ?? []), row]);
      const takenOver = [...byRun.values()].filter(
        (list) =>
          list.some((row) => row.worker === killed) &&
          list.some((row) => row.started_at > killAt - 1 && row.worker !== killed),
      );
      expect(takenOver.length).toBeGreaterThan(0);
      const marginMs = 6000;
      for (const list of takenOver) {
        const resumed = list.find((row) => row.worker !== killed && row.started_at >= killAt - 1)!;
        expect(resumed.started_at - killAt).toBeLessThanOrEqual(S4.leaseMs + marginMs);
      }
      console.log(
        `S4: ${total} runs, ${rows.length} step bodies (${rows.length - byStep.size} re-run after the kill), ` +
          `peak ${overall.get("*")}/${S4.functionWide} function-wide, ${takenOver.length} runs taken over, ` +
          `all done ${finishedAt - killAt} ms after the kill`,
      );
    } finally {
      await db.end();
      for (const child of children) child.kill("SIGKILL");
      await Promise.all([...children].map(exited));
      await dropSchema(schema);
    }
  });
});
