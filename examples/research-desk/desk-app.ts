/**
 * The research desk as a Fairway app: the research network wrapped in the `deep-research-network`
 * function, with the limits a real multi-tenant deployment sets — a concurrency limit per user and one
 * for the whole function, a throttle and a rate limit per user, and priority for the paid plan.
 *
 * @module
 */
import {
  Fairway,
  type FairwayFunction,
  type Logger,
  type Model,
  NonRetriableError,
  type Store,
} from "../../src/index.js";
import type { AgentMessageChunk } from "../../src/streaming/index.js";
import { citedSources } from "./citation.js";
import type { CorpusIndex } from "./corpus-index.js";
import { createResearchNetwork, finalAnswer } from "./network.js";

/** The event that asks the desk a question: `data: { user_id, plan, input, question_id? }`. */
export const RESEARCH_EVENT = "deep-research-network/run";
/** The function's id, as in AgentKit's multi-tenancy guide. */
export const RESEARCH_FUNCTION_ID = "deep-research-network";

/** The desk's flow-control numbers. */
export interface DeskLimits {
  /** Runs of one user executing at once. Default 10 (the AgentKit guide's number). */
  perUserConcurrency: number;
  /** Runs of the function executing at once, all users together. Default 30. */
  globalConcurrency: number;
  /** Runs one user may start per second (GCRA throttle), plus `throttleBurst` from idle. Default 20 and 10. */
  throttlePerSecond: number;
  throttleBurst: number;
  /** Runs one user may be admitted per minute; more are skipped with the reason. Default 150. */
  rateLimitPerMinute: number;
  /** Seconds a paid user's run is moved ahead in its backlog. Default 60. */
  paidPrioritySeconds: number;
}

export const DEFAULT_LIMITS: DeskLimits = {
  perUserConcurrency: 10,
  globalConcurrency: 30,
  throttlePerSecond: 20,
  throttleBurst: 10,
  rateLimitPerMinute: 150,
  paidPrioritySeconds: 60,
};

/** What a research run returns. */
export interface ResearchOutput {
  answer: string;
  /** Files the answer cites on its `Source:` line. */
  sources: string[];
  questionId?: string;
}

/** Options of {@link createDeskApp}. */
export interface DeskAppOptions {
  index: CorpusIndex;
  model: Model;
  /** Where runs are stored: a Store, `"memory"` or a SQLite file path. Default: Fairway's default file. */
  store?: Store | "memory" | string;
  limits?: Partial<DeskLimits>;
  logger?: Logger;
  /**
   * Receives the network's agent events (tokens as they stream, tool calls, results), with the run id as
   * `threadId` and the user as `userId` — e.g. `ThreadStreams.publish`, which serves them over SSE.
   */
  publish?: (chunk: AgentMessageChunk) => void;
}

/** The app: the Fairway client and the research function, ready to serve. */
export interface DeskApp {
  fairway: Fairway;
  research: FairwayFunction<ResearchOutput>;
  limits: DeskLimits;
}

/** Builds the Fairway client and defines the `deep-research-network` function on it. */
export function createDeskApp(options: DeskAppOptions): DeskApp {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const fairway = new Fairway({
    id: "research-desk",
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const network = createResearchNetwork(options.index, options.model);
  const research = fairway.createFunction(
    {
      id: RESEARCH_FUNCTION_ID,
      name: "Deep research network",
      concurrency: [
        { key: "event.data.user_id", limit: limits.perUserConcurrency },
        { limit: limits.globalConcurrency },
      ],
      throttle: {
        key: "event.data.user_id",
        limit: limits.throttlePerSecond,
        period: "1s",
        burst: limits.throttleBurst,
      },
      rateLimit: { key: "event.data.user_id", limit: limits.rateLimitPerMinute, period: "1m" },
      priority: { run: `event.data.plan == 'paid' ? ${limits.paidPrioritySeconds} : 0` },
    },
    { event: RESEARCH_EVENT },
    async ({ event, runId }): Promise<ResearchOutput> => {
      const { input, question_id: questionId, user_id: userId } = event.data;
      if (typeof input !== "string" || input.trim() === "") {
        throw new NonRetriableError("event.data.input must be a non-empty string (the question)");
      }
      const run = await network.run(input, {
        threadId: runId,
        ...(typeof userId === "string" ? { userId } : {}),
        ...(options.publish ? { streaming: { publish: options.publish } } : {}),
      });
      const answer = finalAnswer(run.state.results);
      return {
        answer,
        sources: citedSources(answer),
        ...(typeof questionId === "string" ? { questionId } : {}),
      };
    },
  );
  return { fairway, research, limits };
}
