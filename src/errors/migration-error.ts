import { StoreError } from "./store-error.js";

/** A schema migration failed; `version` is the migration's number. The schema stays at the version before it. */
export class MigrationError extends StoreError {
  readonly version: number;

  constructor(version: number, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`Schema migration ${version} failed: ${detail}`, {
      cause,
      retryable: false,
      code: "migration_failed",
    });
    this.version = version;
  }
}
