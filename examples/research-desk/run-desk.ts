/**
 * The whole research-desk scenario: build the app on the embedded store, serve it (API + dashboard),
 * play the multi-tenant load against it with a live table, and print the summary. `main.ts` is the CLI
 * around this; the scenario test calls it directly in quick mode.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import {
  createServer,
  type FairwayServer,
  type ServerAuthOptions,
  ThreadStreams,
} from "../../src/server/index.js";
import { loadCorpus } from "./corpus.js";
import { CorpusIndex } from "./corpus-index.js";
import { createDeskApp, type DeskLimits } from "./desk-app.js";
import { FlowSampler } from "./flow-sampler.js";
import { eventKeysFrom, httpSender } from "./http-target.js";
import { type LoadPlanOptions, planLoad } from "./load-plan.js";
import { type LoadResult, runLoad } from "./load-runner.js";
import { loadQuestions } from "./questions.js";
import { renderSummary, renderTenantTable } from "./report.js";
import { type SelectedModel, selectModel } from "./select-model.js";
import type { TenantSnapshot, TenantTracker } from "./tenant-tracker.js";

/** The two shapes of the load. `quick` is the short mode for tests and a first look. */
export const MODES = {
  full: {
    plan: {
      heavyQuestions: 200,
      lightUsers: 10,
      lightQuestionsEach: 4,
      lightIntervalMs: 1500,
      paidQuestions: 5,
    },
    offlineLatencyMs: 100,
    limits: {},
  },
  quick: {
    plan: {
      heavyQuestions: 40,
      lightUsers: 10,
      lightQuestionsEach: 2,
      lightIntervalMs: 400,
      paidQuestions: 2,
      lightStartMs: 100,
    },
    offlineLatencyMs: 20,
    limits: { rateLimitPerMinute: 30, throttlePerSecond: 10, throttleBurst: 5 },
  },
} satisfies Record<string, { plan: LoadPlanOptions; offlineLatencyMs: number; limits: Partial<DeskLimits> }>;

/** Options of {@link runDesk}. */
export interface RunDeskOptions {
  quick?: boolean;
  /** Port of the API and dashboard. Default 3010; 0 picks a free one. */
  port?: number;
  /**
   * SQLite file for the embedded store, or `"memory"`. Default: a new file in a temp directory, removed
   * by `close()` and when the process exits.
   */
  store?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Where the table and summary go. Default `process.stdout`. */
  out?: Writable & { isTTY?: boolean };
  /** Redraw the table in place (ANSI). Default: `out.isTTY`. Otherwise a table is printed every 2 s. */
  live?: boolean;
}

/** A finished scenario; the server is still up until `close()`. */
export interface DeskRun {
  result: LoadResult;
  summary: string;
  url: string;
  storePath: string;
  limits: DeskLimits;
  selected: SelectedModel;
  /** The engine's per-user flow state, sampled as runs started and ended. */
  flow: FlowSampler;
  server: FairwayServer;
  close(): Promise<void>;
}

/** The tracker's per-user numbers with the engine's throttled counts added. */
function tenantsWithFlow(tracker: TenantTracker, flow: FlowSampler): TenantSnapshot[] {
  return tracker.snapshot().map((tenant) => ({ ...tenant, throttled: flow.throttled(tenant.userId) }));
}

function progressPrinter(out: Writable, live: boolean, flow: FlowSampler): (tracker: TenantTracker) => void {
  let lastLines = 0;
  let lastPrint = 0;
  return (tracker) => {
    if (live) {
      const table = renderTenantTable(tenantsWithFlow(tracker, flow));
      const up = lastLines > 0 ? `\x1b[${lastLines}A\x1b[0J` : "";
      out.write(`${up}${table}\n`);
      lastLines = table.split("\n").length;
      return;
    }
    // Off a TTY most calls print nothing: build the table only for the ones that do.
    const now = Date.now();
    if (now - lastPrint < 2000) return;
    lastPrint = now;
    out.write(`${renderTenantTable(tenantsWithFlow(tracker, flow))}\n\n`);
  };
}

/** Server credentials from `env` (the same ones the load generator sends with); open mode without any. */
function serverAuth(env: Readonly<Record<string, string | undefined>>): ServerAuthOptions {
  const signingKey = env.FAIRWAY_SIGNING_KEY?.trim();
  const eventKeys = eventKeysFrom(env);
  if (!signingKey && eventKeys.length === 0) return { open: true };
  return { eventKeys, ...(signingKey ? { signingKey } : {}) };
}

/** Runs the scenario to the end of the load and prints the summary. Rejects if the server cannot listen. */
export async function runDesk(options: RunDeskOptions = {}): Promise<DeskRun> {
  const mode = options.quick ? MODES.quick : MODES.full;
  const out = options.out ?? process.stdout;
  const env = options.env ?? process.env;
  const tempDir = options.store ? undefined : mkdtempSync(join(tmpdir(), "research-desk-"));
  const storePath = options.store ?? join(tempDir as string, "fairway.db");
  // A default store is scratch space: remove it however the process ends (close, exit, Ctrl-C in main.ts).
  const removeTemp = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  if (tempDir) process.once("exit", removeTemp);
  const closeAll = async () => {
    try {
      await server.close();
    } finally {
      removeTemp();
      if (tempDir) process.removeListener("exit", removeTemp);
    }
  };
  const index = new CorpusIndex(loadCorpus());
  const files = index.listFiles();
  const questions = loadQuestions(new Set(files.map((file) => file.path)));
  const selected = selectModel(env, { latencyMs: mode.offlineLatencyMs });
  const streams = new ThreadStreams();
  const { fairway, research, limits } = createDeskApp({
    index,
    model: selected.model,
    store: storePath,
    limits: mode.limits,
    publish: streams.publish,
  });
  const server = createServer({ client: fairway, functions: [research], auth: serverAuth(env), streams });
  // Loopback only: without keys the server runs in open (development) mode.
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3010, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  }).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  const url = `http://localhost:${port}`;
  out.write(
    [
      `Research desk: ${questions.length} questions over ${files.length} documentation files in node_modules/.`,
      `Model: ${selected.model.modelName}${selected.offline ? " — set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, XAI_API_KEY or FAIRWAY_BASE_URL for a real one" : ` (from ${selected.selectedBy})`}`,
      `Store: ${storePath}${tempDir ? " (temporary, removed at exit; --store <path> keeps it)" : ""}`,
      `Dashboard: ${url}`,
      `Limits per user: ${limits.perUserConcurrency} running, ${limits.throttlePerSecond}/s start (+${limits.throttleBurst} burst), ${limits.rateLimitPerMinute}/min admitted; ${limits.globalConcurrency} running in all; paid plan +${limits.paidPrioritySeconds}s priority.`,
      "",
    ].join("\n"),
  );
  const plan = planLoad(questions, mode.plan);
  const send = httpSender(`http://127.0.0.1:${port}`, env);
  const flow = new FlowSampler(fairway, research.id);
  try {
    const result = await runLoad({
      target: {
        send,
        getRun: (id) => fairway.getRun(id),
        onRunEvent: (listener) => fairway.onRunEvent(listener),
      },
      functionId: research.id,
      plan,
      now: () => fairway.clock.now(),
      onProgress: progressPrinter(out, options.live ?? out.isTTY === true, flow),
    });
    const summary = renderSummary({
      modelName: selected.model.modelName,
      tenants: tenantsWithFlow(result.tracker, flow),
      skipReasons: result.tracker.skipReasons(),
      citations: result.citations,
      elapsedMs: result.elapsedMs,
      globalMaxRunning: result.tracker.globalMaxRunning,
    });
    out.write(`\n${summary}\n`);
    return { result, summary, url, storePath, limits, selected, flow, server, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  } finally {
    flow.stop();
  }
}
