import { setTimeout as delay } from "node:timers/promises";
import { ApiClient, ApiRequestError, type StreamMessage } from "../api-client.js";
import { formatRunsTable, type RunRow } from "../runs-table.js";
import { type ConnectionOptions, connectionOf } from "./connection.js";

/** Options of `fairway runs`. */
export interface RunsOptions extends ConnectionOptions {
  function?: string;
  status?: string;
  concurrencyKey?: string;
  /** How many runs: an integer from 1 to 500 (checked by the CLI's parser). @default 20 */
  limit?: number;
  follow?: boolean;
  json?: boolean;
  /** Also runs of other apps that share the server's store (a PostgreSQL schema); default: the server's app only. */
  allApps?: boolean;
}

/**
 * `fairway runs`: prints the latest runs as a table (or JSON with `--json`): runs of the server's app's
 * functions (`GET /api/functions`), so runs other apps stored in a shared PostgreSQL schema stay out;
 * `--all-apps` shows every run in the store. With `--follow`, keeps the
 * table live from the server's run event stream until Ctrl-C (or `signal`): a terminal gets the table
 * redrawn, a pipe gets one line per status change. The stream is opened before the first listing, so no
 * change in between is missed. A lost connection (the server restarted) is retried every second, saying
 * so on stderr, and the runs are listed again once back.
 *
 * @throws ApiRequestError when the server refuses the request; the fetch error when it cannot be reached
 *   at first.
 */
export async function runsCommand(options: RunsOptions, signal?: AbortSignal): Promise<void> {
  const client = new ApiClient(connectionOf(options, "admin"));
  const query = new URLSearchParams({ limit: String(options.limit ?? 20) });
  if (options.status) query.set("status", options.status);
  if (options.concurrencyKey) query.set("concurrencyKey", options.concurrencyKey);
  const functions = await shownFunctions(client, options);
  const list = async () => {
    const runs = await latestRuns(client, query, functions);
    process.stdout.write(options.json ? `${JSON.stringify(runs, null, 2)}\n` : `${formatRunsTable(runs)}\n`);
    return runs;
  };
  if (!options.follow) {
    await list();
    return;
  }
  const view = new LiveRuns(client, options, functions);
  let chain = Promise.resolve();
  let connected = false;
  let lost = false;
  while (!signal?.aborted) {
    try {
      await client.follow(
        "/api/stream",
        (message) => {
          chain = chain.then(() => view.show(message));
        },
        {
          ...(signal && { signal }),
          onOpen: async () => {
            if (lost) process.stderr.write("fairway: reconnected\n");
            connected = true;
            lost = false;
            view.seed(await list());
          },
        },
      );
      await chain;
    } catch (error) {
      // Refused (bad key, …) or never connected: report. A dropped connection: try again.
      if (!connected || error instanceof ApiRequestError) throw error;
    }
    if (signal?.aborted) break;
    if (!lost)
      process.stderr.write("fairway: lost the server's stream; reconnecting every second (Ctrl-C stops)\n");
    lost = true;
    await delay(RECONNECT_MS, undefined, signal ? { signal } : {}).catch(() => undefined);
  }
}

/** Wait between reconnection attempts of `--follow`, ms. */
const RECONNECT_MS = 1000;

/**
 * The functions whose runs are shown: `--function`'s; else, unless `--all-apps`, every function of the
 * server's app; `undefined` for all runs.
 */
async function shownFunctions(client: ApiClient, options: RunsOptions): Promise<Set<string> | undefined> {
  if (options.function) return new Set([options.function]);
  if (options.allApps) return undefined;
  const { functions } = await client.request<{ functions: Array<{ id: string }> }>("GET", "/api/functions");
  return new Set(functions.map((fn) => fn.id));
}

/**
 * The newest runs matching `query` (its `limit` of them) among `functions` (all runs when `undefined`):
 * the run API filters by one function, so each function's newest page is read (at once) and merged.
 */
async function latestRuns(
  client: ApiClient,
  query: URLSearchParams,
  functions: Set<string> | undefined,
): Promise<RunRow[]> {
  const page = async (functionId?: string) => {
    const filter = new URLSearchParams(query);
    if (functionId !== undefined) filter.set("function", functionId);
    return (await client.request<{ runs: RunRow[] }>("GET", `/api/runs?${filter}`)).runs;
  };
  if (functions === undefined) return page();
  const pages = await Promise.all([...functions].map((functionId) => page(functionId)));
  return pages
    .flat()
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, Number(query.get("limit")));
}

/** The runs shown by `--follow`, updated from run events. */
class LiveRuns {
  readonly #shown = new Map<string, RunRow>();
  readonly #tty: boolean;
  readonly #limit: number;

  constructor(
    private readonly client: ApiClient,
    private readonly options: RunsOptions,
    /** The functions whose runs are shown (`undefined`: all). */
    private readonly functions: Set<string> | undefined,
  ) {
    this.#tty = process.stdout.isTTY === true && !options.json;
    this.#limit = options.limit ?? 20;
  }

  seed(runs: RunRow[]): void {
    for (const run of runs) this.#shown.set(run.id, run);
  }

  async show(message: StreamMessage): Promise<void> {
    const runId = (message.data as { runId?: string } | null)?.runId;
    if (!runId) return;
    const { run } = await this.client.request<{ run: RunRow }>(
      "GET",
      `/api/runs/${encodeURIComponent(runId)}`,
    );
    if (this.functions && !this.functions.has(run.functionId)) return;
    if (this.options.status && run.status !== this.options.status) return;
    const before = this.#shown.get(run.id)?.status;
    this.#shown.set(run.id, run);
    if (this.#tty) {
      const latest = [...this.#shown.values()]
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, this.#limit);
      process.stdout.write(`\x1b[2J\x1b[H${formatRunsTable(latest)}\n`);
    } else if (before !== run.status) {
      const line = this.options.json ? JSON.stringify(run) : `${run.id}  ${run.functionId}  ${run.status}`;
      process.stdout.write(`${line}\n`);
    }
  }
}
