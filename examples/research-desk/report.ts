/**
 * What the research desk prints: the live per-user table while the load runs, and the final summary.
 *
 * @module
 */
import { formatMs } from "./stats.js";
import { type Column, renderTable } from "./table.js";
import type { TenantSnapshot } from "./tenant-tracker.js";

const TENANT_COLUMNS: Column[] = [
  { header: "user" },
  { header: "plan" },
  { header: "sent", align: "right" },
  { header: "queued", align: "right" },
  { header: "throttled", align: "right" },
  { header: "running", align: "right" },
  { header: "done", align: "right" },
  { header: "skipped", align: "right" },
  { header: "failed", align: "right" },
  { header: "max running", align: "right" },
  { header: "start p50", align: "right" },
  { header: "start p99", align: "right" },
];

/** The per-user table: queued / running / done, and start latency so far. */
export function renderTenantTable(tenants: readonly TenantSnapshot[]): string {
  return renderTable(
    TENANT_COLUMNS,
    tenants.map((t) => [
      t.userId,
      t.plan,
      String(t.sent),
      String(t.queued),
      t.throttled === undefined ? "–" : String(t.throttled),
      String(t.running),
      String(t.completed),
      String(t.skipped),
      String(t.failed),
      String(t.maxRunning),
      formatMs(t.startP50),
      formatMs(t.startP99),
    ]),
  );
}

/** Everything the summary reports. */
export interface SummaryInput {
  modelName: string;
  tenants: readonly TenantSnapshot[];
  skipReasons: ReadonlyArray<{ reason: string; count: number }>;
  /** Completed answers that cite the file the question list names, out of `checked` completed answers. */
  citations: { correct: number; checked: number };
  elapsedMs: number;
  globalMaxRunning: number;
}

function sum(tenants: readonly TenantSnapshot[], count: (tenant: TenantSnapshot) => number): number {
  return tenants.reduce((total, tenant) => total + count(tenant), 0);
}

/**
 * The final summary: what became of the accepted questions, the per-user table, skipped runs with reasons,
 * and source-citation accuracy. Accepted = stored by the event API; skipped = ended by flow control (the
 * rate limit here) without running; admitted = accepted − skipped, the runs that got to execute. The
 * citation share is out of the completed answers.
 */
export function renderSummary(input: SummaryInput): string {
  const accepted = sum(input.tenants, (t) => t.sent);
  const skipped = sum(input.tenants, (t) => t.skipped);
  const completed = sum(input.tenants, (t) => t.completed);
  const failed = sum(input.tenants, (t) => t.failed);
  const unfinished = accepted - skipped - completed - failed;
  const { correct, checked } = input.citations;
  const share = checked === 0 ? "–" : `${((100 * correct) / checked).toFixed(1)}%`;
  const lines = [
    `Research desk summary — model: ${input.modelName}`,
    `${accepted} questions accepted in ${formatMs(input.elapsedMs)}: ${accepted - skipped} admitted to run, ${skipped} skipped without running.`,
    `Admitted runs: ${completed} completed, ${failed} failed or cancelled${unfinished > 0 ? `, ${unfinished} not ended yet` : ""}; at most ${input.globalMaxRunning} executing at once.`,
    "",
    renderTenantTable(input.tenants),
    "",
    skipped === 0 ? "Skipped runs: none." : `Skipped runs: ${skipped}`,
    ...input.skipReasons.map((s) => `  ${s.count} × ${s.reason}`),
    `Completed answers citing the right source file: ${correct} of ${checked} (${share})`,
  ];
  return lines.join("\n");
}
