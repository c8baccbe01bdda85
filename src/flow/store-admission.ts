/**
 * The schedule-time controls a store shared by several processes decides again when it creates a run
 * (`NewRun.admission`): the sliding windows of `rateLimit` and `idempotency` and the `singleton` hold, with
 * the skip reasons one process writes, so a run skipped by the store reads the same as one skipped here.
 * Type-only data plus pure text builders: the store evaluates nothing of the config.
 *
 * @module
 */
import { DAY_MS } from "./config/validate.js";

/**
 * The longest window an admission counts in, ms: a `rateLimit.period` (and a per-key override's) is at most
 * 24 h (`rate-config.ts`, `limit-override-config.ts`), idempotency is 24 h. An admission older than this
 * counts in no window, so a store may delete it (`Store.sweepRetention`).
 */
export const MAX_ADMISSION_WINDOW_MS = DAY_MS;

/** The windows an admission counts in: `rateLimit` (its limit and period) and `idempotency` (1 per 24 h). */
export type AdmissionWindowKind = "rateLimit" | "idempotency";

/** The scope of a window: `<kind>:<functionId>\u0000<key>` (a function id holds neither `:` nor U+0000). */
export function admissionScope(kind: AdmissionWindowKind, functionId: string, key: string): string {
  return `${kind}:${functionId}\u0000${key}`;
}

/** The parts of a scope {@link admissionScope} built; `undefined` for any other text. */
export function parseAdmissionScope(
  scope: string,
): { kind: AdmissionWindowKind; functionId: string; key: string } | undefined {
  const colon = scope.indexOf(":");
  const nul = scope.indexOf("\u0000", colon);
  const kind = scope.slice(0, colon);
  if (colon < 0 || nul < 0 || (kind !== "rateLimit" && kind !== "idempotency")) return undefined;
  return { kind, functionId: scope.slice(colon + 1, nul), key: scope.slice(nul + 1) };
}

/** "At most `limit` admissions of `scope` in any window of `periodMs`" (half-open `(t − periodMs, t]`). */
export interface AdmissionWindow {
  /** A scope per function × key value: `rateLimit:<fn>\u0000<key>` or `idempotency:<fn>\u0000<key>` ({@link admissionScope}). */
  scope: string;
  /** Integer ≥ 1 (the effective limit: a per-key override applied). */
  limit: number;
  /** Window length, ms. */
  periodMs: number;
  /** The run's `skipReason` when the window is full. */
  reason: string;
}

/** The singleton key a run takes: at most one active (non-terminal) run per `scope`. */
export interface SingletonRequest {
  /** `singleton:<fn>\u0000<key>`. */
  scope: string;
  /** The key value, for the skip reason. */
  key: string;
  /** `skip`: the new run is skipped while a holder is active; `cancel`: the holder is replaced (cancelled). */
  mode: "skip" | "cancel";
}

/**
 * What the store checks before it creates the run, in this order: every window has room (else the run is
 * stored skipped with the first full window's reason and counts nowhere), then the singleton (mode `skip`
 * with an active holder: skipped, counts nowhere); then the run counts in every window and holds the key.
 */
export interface RunAdmission {
  windows: AdmissionWindow[];
  singleton?: SingletonRequest;
}

/** Skip reason of a full rate limit. */
export function rateLimitReason(limit: number, periodMs: number, key: string): string {
  return `rateLimit: ${limit} runs per ${periodMs} ms reached for key "${key}"`;
}

/** Skip reason of an idempotency key already used within 24 h. */
export function idempotencyReason(key: string): string {
  return `idempotency: a run with key "${key}" was created in the last 24h`;
}

/** Skip reason of a singleton (mode `skip`) whose key `holder` holds. */
export function singletonSkipReason(holder: string, key: string): string {
  return `singleton: run ${holder} is active for key "${key}"`;
}

/** Cancel reason of a singleton holder replaced (mode `cancel`) by run `by`. */
export function singletonReplacedReason(by: string): string {
  return `singleton: replaced by run ${by}`;
}
