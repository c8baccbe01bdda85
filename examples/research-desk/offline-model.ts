/**
 * The research desk's offline model: the deterministic, non-neural policy of `offline-policy.ts` (search →
 * read the best file → quote the best passage with its source) behind Fairway's `Model` contract, through
 * the examples' `policyModel`. It is NOT an LLM and says so: in its `modelName`, at the start of every
 * answer, and in logs.
 *
 * @module
 */
import type { Model } from "../../src/index.js";
import { policyModel } from "../shared/policy-model.js";
import { decide } from "./offline-policy.js";

/** Options of {@link offlineModel}. */
export interface OfflineModelOptions {
  /** Simulated time each turn takes, in ms (default 0); shown in the model name. */
  latencyMs?: number;
  /** How to wait `ms` (default: a timer). Tests inject their own. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Creates the offline model. `format` is `"offline"`; `modelName` reads
 * `"keyword-policy (offline, not an LLM)"`, plus the simulated latency when one is set.
 *
 * @throws ConfigError when `latencyMs` is negative or not finite.
 * @example
 * const model = offlineModel({ latencyMs: 100 });
 * const agent = createAgent({ name: "Researcher", system: "…", model, tools });
 */
export function offlineModel(options: OfflineModelOptions = {}): Model {
  return policyModel({
    name: "keyword-policy",
    ...options,
    decide: (request) => {
      const action = decide(request.messages, request.tools ?? []);
      return action.kind === "answer"
        ? { text: action.text }
        : { toolCalls: [{ name: action.name, input: { ...action.input } }] };
    },
  });
}
