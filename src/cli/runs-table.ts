import { formatTable } from "./text-table.js";

/** The run fields the CLI shows (a subset of the API's run). */
export interface RunRow {
  id: string;
  functionId: string;
  status: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
}

const COLUMNS = ["RUN", "FUNCTION", "STATUS", "CREATED", "DURATION"] as const;

/** Renders runs as an aligned text table, newest first as given. */
export function formatRunsTable(runs: readonly RunRow[]): string {
  const rows = runs.map((run) => [
    run.id,
    run.functionId,
    run.status,
    new Date(run.createdAt).toISOString().replace("T", " ").slice(0, 19),
    formatDuration(run),
  ]);
  return formatTable(COLUMNS, rows);
}

/** `12 ms`, `3.40 s`, or `running` for a run that has not ended. */
export function formatDuration(run: RunRow): string {
  if (run.endedAt === undefined) return "";
  const ms = run.endedAt - (run.startedAt ?? run.createdAt);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}
