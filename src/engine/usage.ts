/**
 * Usage accounting views: token totals of a run and per tenant × model over a time window, with an
 * optional cost from a user-supplied price table. The records are written by the agent layer through
 * `ExecutionContext.recordUsage` (one per model call) and summed by the store.
 *
 * @module
 */
import { ConfigError } from "../errors/index.js";
import { fieldsOf, knownFields } from "../flow/config/validate.js";
import type { UsageRecord, UsageTotal } from "../store/store.js";

/** Price of one model, in a currency of your choice per 1 000 000 tokens. */
export interface ModelPrice {
  /** Per 1M input tokens not read from the cache. */
  input: number;
  /** Per 1M output tokens. */
  output: number;
  /** Per 1M cached input tokens. @default `input` */
  cachedInput?: number;
}

/** Prices by model name as sent to the provider (`gpt-4o`, `claude-sonnet-4-5`, …). */
export type PriceTable = Record<string, ModelPrice>;

/** Summed token counts; `cost` when every model counted has a price in the table. */
export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cost?: number;
}

/** One row of `fairway.usage()`: a tenant key × model with its totals (and cost when priced). */
export interface TenantModelUsage extends UsageTotal {
  cost?: number;
}

/** A run's usage: its totals and each model call. */
export interface RunUsage {
  totals: UsageTotals;
  calls: UsageRecord[];
}

/** The fields of a `ModelPrice`. */
const PRICE_FIELDS = knownFields<ModelPrice>({
  input: true,
  output: true,
  cachedInput: true,
});

/**
 * Checks a price table: an object of model name → `{ input, output, cachedInput? }`, finite numbers ≥ 0.
 *
 * @throws ConfigError naming the field, e.g. `prices["gpt-4o"].output`.
 */
export function normalizePrices(value: unknown): PriceTable {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(
      "prices",
      "must be an object of model name → { input, output, cachedInput? }",
      value,
    );
  }
  const table: PriceTable = {};
  for (const [model, price] of Object.entries(value)) {
    const path = `prices[${JSON.stringify(model)}]`;
    if (typeof price !== "object" || price === null)
      throw new ConfigError(path, "must be { input, output }", price);
    const fields = fieldsOf(price, path, PRICE_FIELDS);
    const amount = (name: string, required: boolean): number | undefined => {
      const field = fields[name];
      if (field === undefined && !required) return undefined;
      if (typeof field !== "number" || !Number.isFinite(field) || field < 0) {
        throw new ConfigError(`${path}.${name}`, "must be a number >= 0 (price per 1M tokens)", field);
      }
      return field;
    };
    const entry: ModelPrice = { input: amount("input", true)!, output: amount("output", true)! };
    const cachedInput = amount("cachedInput", false);
    if (cachedInput !== undefined) entry.cachedInput = cachedInput;
    table[model] = entry;
  }
  return table;
}

/** The cost of `tokens` of `model` under `prices`, or `undefined` when the model has no price. */
export function costOf(
  model: string,
  tokens: Pick<UsageTotal, "inputTokens" | "outputTokens" | "cachedInputTokens">,
  prices: PriceTable,
): number | undefined {
  const price = Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (price === undefined) return undefined;
  const cached = Math.min(tokens.cachedInputTokens, tokens.inputTokens);
  const perMillion =
    (tokens.inputTokens - cached) * price.input +
    cached * (price.cachedInput ?? price.input) +
    tokens.outputTokens * price.output;
  return perMillion / 1_000_000;
}

/** Rows per tenant × model with their cost (when priced). */
export function pricedTotals(totals: UsageTotal[], prices: PriceTable): TenantModelUsage[] {
  return totals.map((total) => {
    const cost = costOf(total.model, total, prices);
    return cost === undefined ? total : { ...total, cost };
  });
}

/** Sums usage records (one per model call) into totals; `cost` only when every model is priced. */
export function sumRecords(records: UsageRecord[], prices: PriceTable): UsageTotals {
  const totals: UsageTotals = { calls: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  let cost: number | undefined = 0;
  for (const record of records) {
    totals.calls += 1;
    totals.inputTokens += record.inputTokens;
    totals.outputTokens += record.outputTokens;
    totals.cachedInputTokens += record.cachedInputTokens ?? 0;
    const callCost = costOf(record.model, { cachedInputTokens: 0, ...record }, prices);
    cost = cost === undefined || callCost === undefined ? undefined : cost + callCost;
  }
  if (cost !== undefined && records.length > 0) totals.cost = cost;
  return totals;
}
