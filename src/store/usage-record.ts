/**
 * Token usage of model calls as stored (Store contract, type-only): one record per model call, keyed so a
 * call recorded twice (a retried checkpoint) counts once, with its run, model and the run's tenant key,
 * so totals per run and per tenant over a time window are one query.
 *
 * @module
 */

/** The token usage of one model call. Token counts are integers ≥ 0. */
export interface UsageRecord {
  /** Unique per model call (`<runId>:<stepId>` for a durable inference step); recording it again replaces it. */
  id: string;
  runId: string;
  functionId: string;
  /**
   * The run's tenant key: the value of its function's first keyed concurrency limit, else of its keyed
   * throttle; `""` for a function without a keyed limit.
   */
  tenantKey: string;
  /** Model id as sent to the provider, e.g. `gpt-4o`. */
  model: string;
  /** Provider / wire format name, e.g. `openai`, `anthropic`. */
  provider?: string;
  /** When the call ended (ms on the engine clock). */
  at: number;
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache, where the provider reports them. */
  cachedInputTokens?: number;
}

/** Which usage records `Store.usageTotals` sums. Times in ms; `since` inclusive, `until` exclusive. */
export interface UsageQuery {
  since?: number;
  until?: number;
  functionId?: string;
  tenantKey?: string;
  runId?: string;
}

/** Summed usage of one tenant key × model. */
export interface UsageTotal {
  tenantKey: string;
  model: string;
  /** Model calls counted. */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}
