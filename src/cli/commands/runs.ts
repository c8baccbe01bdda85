import { ApiClient, type StreamMessage } from "../api-client.js";
import { formatRunsTable, type RunRow } from "../runs-table.js";
import { type ConnectionOptions, connectionOf } from "./connection.js";

/** Options of `fairway runs`. */
export interface RunsOptions extends ConnectionOptions {
  function?: string;
  status?: string;
  concurrencyKey?: string;
  limit?: string;
  follow?: boolean;
  json?: boolean;
}

/**
 * `fairway runs`: prints the latest runs as a table (or JSON with `--json`). With `--follow`, keeps the
 * table live from the server's run event stream until Ctrl-C: a terminal gets the table redrawn, a pipe
 * gets one line per status change.
 */
export async function runsCommand(options: RunsOptions, signal?: AbortSignal): Promise<void> {
  const client = new ApiClient(connectionOf(options, "admin"));
  const query = new URLSearchParams({ limit: options.limit ?? "20" });
  if (options.function) query.set("function", options.function);
  if (options.status) query.set("status", options.status);
  if (options.concurrencyKey) query.set("concurrencyKey", options.concurrencyKey);
  const { runs } = await client.request<{ runs: RunRow[] }>("GET", `/api/runs?${query}`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    if (!options.follow) return;
  } else process.stdout.write(`${formatRunsTable(runs)}\n`);
  if (options.follow) await followRuns(client, runs, options, signal);
}

async function followRuns(client: ApiClient, initial: RunRow[], options: RunsOptions, signal?: AbortSignal) {
  const shown = new Map(initial.map((run) => [run.id, run]));
  const tty = process.stdout.isTTY === true && !options.json;
  const limit = Number(options.limit ?? "20");
  let chain = Promise.resolve();
  const show = async (message: StreamMessage) => {
    const runId = (message.data as { runId?: string } | null)?.runId;
    if (!runId) return;
    const { run } = await client.request<{ run: RunRow }>("GET", `/api/runs/${encodeURIComponent(runId)}`);
    if (options.function && run.functionId !== options.function) return;
    if (options.status && run.status !== options.status) return;
    const before = shown.get(run.id)?.status;
    shown.set(run.id, run);
    if (tty) {
      const latest = [...shown.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
      process.stdout.write(`\x1b[2J\x1b[H${formatRunsTable(latest)}\n`);
    } else if (before !== run.status) {
      process.stdout.write(
        options.json ? `${JSON.stringify(run)}\n` : `${run.id}  ${run.functionId}  ${run.status}\n`,
      );
    }
  };
  await client.follow(
    "/api/stream",
    (message) => {
      chain = chain.then(() => show(message));
    },
    signal,
  );
  await chain;
}
