import { formatTable } from "./text-table.js";

/** The run fields the CLI shows (a subset of the API's run). */
export interface RunRow {
  id: string;
  functionId: string;
  status: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  concurrencyKeys?: string[];
}

/**
 * START LATENCY is creation → first execution, DURATION first execution → end: the same definitions and
 * labels as the dashboard's runs list (and the flow API's `startLatencyMs`).
 */
const COLUMNS = ["RUN", "FUNCTION", "TENANT", "STATUS", "CREATED", "START LATENCY", "DURATION"] as const;

/** Renders runs as an aligned text table, newest first as given. */
export function formatRunsTable(runs: readonly RunRow[]): string {
  const rows = runs.map((run) => [
    run.id,
    run.functionId,
    run.concurrencyKeys?.find((key) => key !== "") ?? "",
    run.status,
    new Date(run.createdAt).toISOString().replace("T", " ").slice(0, 19),
    formatSpan(run.createdAt, run.startedAt),
    formatSpan(run.startedAt, run.endedAt),
  ]);
  return formatTable(COLUMNS, rows);
}

/** `end − start` as `12 ms` or `3.40 s`; `""` when either is missing. */
function formatSpan(start: number | undefined, end: number | undefined): string {
  if (start === undefined || end === undefined) return "";
  const ms = end - start;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}
