/**
 * Plays a load plan against the desk: sends each planned question at its time as a
 * `deep-research-network/run` event (with a unique event id so runs can be attributed), follows the
 * runs into a {@link TenantTracker}, and when every run has ended checks which answers cite the right file.
 *
 * @module
 */
import { ulid } from "ulid";
import type { EventPayload } from "../../src/index.js";
import { citesSource } from "./citation.js";
import { RESEARCH_EVENT, type ResearchOutput } from "./desk-app.js";
import { HEAVY_USER, type PlannedSend } from "./load-plan.js";
import { RunFeed, type RunSource, type TrackedSend } from "./run-feed.js";
import { TenantTracker } from "./tenant-tracker.js";

/** What the runner needs from the app. */
export interface LoadTarget extends RunSource {
  send(events: EventPayload | EventPayload[]): Promise<{ ids: string[] }>;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  target: LoadTarget;
  functionId: string;
  plan: readonly PlannedSend[];
  /** The engine's clock, ms. */
  now: () => number;
  /** Called every `progressEveryMs` (and once at the end) with the tracker. */
  onProgress?: (tracker: TenantTracker) => void;
  /** Default 250 ms. */
  progressEveryMs?: number;
  /** Give up waiting for runs to end after this long. Default 10 minutes. */
  timeoutMs?: number;
}

/** The outcome of a load. */
export interface LoadResult {
  tracker: TenantTracker;
  /** Completed answers citing their question's file, out of completed answers checked. */
  citations: {
    correct: number;
    checked: number;
    misses: Array<{ questionId: string; expected: string; cited: string[] }>;
  };
  elapsedMs: number;
  /** Light/paid users' sends made while the heavy user still had queued runs. */
  sentDuringBacklog: number;
}

interface DeskSend extends TrackedSend {
  send: PlannedSend;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * Sends one group of questions that share a send time (the heavy user's burst, or one light user's
 * question) in one request, registering each event with the feed first.
 */
async function sendGroup(
  group: readonly PlannedSend[],
  options: LoadOptions,
  feed: RunFeed<DeskSend>,
  prefix: string,
  offset: number,
): Promise<void> {
  const payloads = group.map((send, i): EventPayload => {
    const id = `${prefix}-${offset + i}`;
    feed.expect(id, { userId: send.userId, plan: send.plan, sentAt: options.now(), send });
    return {
      name: RESEARCH_EVENT,
      id,
      data: {
        user_id: send.userId,
        plan: send.plan,
        input: send.question.question,
        question_id: send.question.id,
      },
    };
  });
  await options.target.send(payloads);
}

/** Groups sends by time, keeping the plan's order. */
function byTime(plan: readonly PlannedSend[]): PlannedSend[][] {
  const groups: PlannedSend[][] = [];
  for (const send of plan) {
    const last = groups.at(-1);
    if (last && last[0]?.atMs === send.atMs) last.push(send);
    else groups.push([send]);
  }
  return groups;
}

async function checkCitations(target: LoadTarget, feed: RunFeed<DeskSend>): Promise<LoadResult["citations"]> {
  const result: LoadResult["citations"] = { correct: 0, checked: 0, misses: [] };
  for (const [runId, { send }] of feed.runs()) {
    const run = await target.getRun(runId);
    if (run?.status !== "completed") continue;
    const output = run.output as ResearchOutput;
    result.checked++;
    if (citesSource(output.answer, send.question.file)) result.correct++;
    else
      result.misses.push({
        questionId: send.question.id,
        expected: send.question.file,
        cited: output.sources,
      });
  }
  return result;
}

/**
 * Runs the plan to the end: every planned question sent, every run ended (completed, failed, cancelled
 * or skipped). Rejects if the runs have not all ended within `timeoutMs`.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const tracker = new TenantTracker();
  const feed = new RunFeed<DeskSend>(options.target, tracker, options.functionId);
  const progress = setInterval(() => options.onProgress?.(tracker), options.progressEveryMs ?? 250);
  const started = options.now();
  const prefix = `desk-${ulid()}`;
  let sent = 0;
  let sentDuringBacklog = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    for (const group of byTime(options.plan)) {
      await delay(started + (group[0]?.atMs ?? 0) - options.now());
      if (tracker.queuedOf(HEAVY_USER) > 0)
        sentDuringBacklog += group.filter((send) => send.userId !== HEAVY_USER).length;
      await sendGroup(group, options, feed, prefix, sent);
      sent += group.length;
    }
    const timeoutMs = options.timeoutMs ?? 600_000;
    await Promise.race([
      feed.settled(sent),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`runs did not all end within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const citations = await checkCitations(options.target, feed);
    options.onProgress?.(tracker);
    return { tracker, citations, elapsedMs: options.now() - started, sentDuringBacklog };
  } finally {
    clearInterval(progress);
    clearTimeout(timer);
    feed.stop();
  }
}
