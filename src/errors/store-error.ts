import { FairwayError } from "./fairway-error.js";

/**
 * A store operation failed. `retryable` is true for transient failures (a busy database, a dropped
 * connection) that the same call may survive; false for broken schemas, full disks and the like.
 */
export class StoreError extends FairwayError {
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable: boolean; code?: string }) {
    super(options.code ?? "store_failed", message, { cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** True for a StoreError (or a subclass: StoreConnectionError, MigrationError), from any copy of the package. */
export function isStoreError(value: unknown): value is StoreError {
  return FairwayError.isInstance(value) && typeof (value as { retryable?: unknown }).retryable === "boolean";
}

/**
 * True for a retryable StoreError (`retryable: true`: the database is away or busy, an expected operational
 * failure the same call may survive, not a fault), from any copy of the package.
 */
export function isRetryableStoreError(value: unknown): value is StoreError {
  return isStoreError(value) && value.retryable;
}
