/**
 * The PostgreSQL store's connection layer: a `pg` pool, named (prepared) statements, transactions, and
 * the retry of transient failures with exponential backoff. Strings are made NUL-safe on the way in and
 * out (`nul-safe-text.ts`). Every driver error leaves here as a
 * StoreError (`store_failed`, `retryable` set by `isTransientPgError`), which the server answers with 503.
 *
 * @module
 */
import type pg from "pg";
import { causeText } from "../../errors/cause-text.js";
import { FairwayError, StoreError, type StoreUrlOrigin } from "../../errors/index.js";
import { refusedConnection } from "../../peers/pg-connection.js";
import { fullJitterMs } from "./full-jitter.js";
import { decodeRow, encodeParams } from "./nul-safe-text.js";
import { isTransientPgError } from "./transient-error.js";

/** A named statement: prepared once per connection (`name`), then executed with its parameters. */
export interface Statement {
  name: string;
  text: string;
  /**
   * Safe to send again when the connection dropped after sending it (a read, an upsert of the same row):
   * then the statement is retried like a failed connect. Default false: such a failure is reported.
   */
  idempotent?: boolean;
}

/** What a transaction's work runs its statements on. */
export interface Transaction {
  query<Row>(statement: Statement, values?: unknown[]): Promise<Row[]>;
}

/** Retry of transient failures: `attempts` tries in all, waiting a random time up to min(max, min × 2^n). */
export interface RetryOptions {
  /** Tries in all (1 = no retry). Default 5. */
  attempts?: number;
  /** First backoff cap in ms. Default 50. */
  minDelayMs?: number;
  /** Largest backoff cap in ms. Default 2000. */
  maxDelayMs?: number;
}

const BEGIN: Statement = { name: "fw_begin", text: "BEGIN" };
const COMMIT: Statement = { name: "fw_commit", text: "COMMIT" };

const ignore = () => {};

/**
 * `getaddrinfo` codes of a host name that did not resolve: not found (`ENOTFOUND`), or no answer from the
 * resolver yet (`EAI_AGAIN`, transient). Either way the server was never asked.
 */
const HOST_NOT_FOUND = new Set(["ENOTFOUND", "EAI_AGAIN"]);

/**
 * True when the server itself aborted the work with a transaction-rollback SQLSTATE (class 40: deadlock,
 * serialization failure): nothing of it was committed, so it is safe to send again even if it is not
 * idempotent (a claim). A dropped connection, by contrast, leaves the outcome unknown.
 */
function rolledBack(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("40");
}

/** Executes a named statement with NUL-safe parameters and rows. */
async function execute<Row>(client: pg.PoolClient, statement: Statement, values: unknown[]): Promise<Row[]> {
  const result = await client.query({
    name: statement.name,
    text: statement.text,
    values: encodeParams(values),
  });
  return (result.rows as Row[]).map(decodeRow);
}

/** A pool plus the rules above. `label` names the operation in error messages. */
export class PostgresDatabase {
  private readonly attempts: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;

  /**
   * @param origin the pool's URL fit to print (no password: `printableUrl`) and where it came from, named
   *   by a `StoreConnectionError`.
   */
  constructor(
    readonly pool: pg.Pool,
    retry: RetryOptions = {},
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly origin: StoreUrlOrigin = { url: "postgres://…", source: "connectionString" },
  ) {
    this.attempts = retry.attempts ?? 5;
    this.minDelayMs = retry.minDelayMs ?? 50;
    this.maxDelayMs = retry.maxDelayMs ?? 2000;
  }

  /**
   * Runs one statement on its own (autocommit). Retries a failed connect, a deadlock or serialization
   * failure (the server rolled it back), and a dropped connection if `idempotent`.
   */
  query<Row>(statement: Statement, values: unknown[] = []): Promise<Row[]> {
    return this.withRetry(
      statement.name,
      async (client, sent) => {
        sent();
        return execute<Row>(client, statement, values);
      },
      statement.idempotent === true,
    );
  }

  /**
   * Runs `work` in one transaction (READ COMMITTED): commit on success, rollback on a throw. A transient
   * failure before COMMIT is sent rolls everything back, so the whole transaction is retried; a failure
   * while committing is reported (retryable, outcome unknown) and never retried blindly.
   */
  transaction<T>(label: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.withRetry(
      label,
      async (client, sent) => {
        const tx: Transaction = {
          query: <Row>(statement: Statement, values: unknown[] = []) =>
            execute<Row>(client, statement, values),
        };
        await execute(client, BEGIN, []);
        let result: T;
        try {
          result = await work(tx);
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
        sent();
        await execute(client, COMMIT, []);
        return result;
      },
      false,
    );
  }

  /**
   * Runs `work` on one checked-out connection (a session: migrations hold a session advisory lock),
   * retried as a whole on a transient failure; `work` must be safe to run again.
   */
  session<T>(label: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withRetry(label, (client) => work(client), true);
  }

  /**
   * `SELECT 1` on a pooled connection, tried once whatever the retry options (a readiness check must tell
   * now, not after backoff). Rejects with the StoreError a failed statement gets (`ping failed: …`).
   */
  async ping(): Promise<void> {
    await this.withRetry("ping", (client) => client.query("SELECT 1"), true, 1);
  }

  /**
   * Checks out a client and runs `body`; on a transient error retries with backoff while it is safe:
   * before `sent()` was called, after the server rolled the work back (class 40), or always when
   * `idempotent`, up to `attempts` tries in all (default: the retry options'). Wraps the last error in
   * StoreError.
   */
  private async withRetry<T>(
    label: string,
    body: (client: pg.PoolClient, sent: () => void) => Promise<T>,
    idempotent: boolean,
    attempts = this.attempts,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let sent = false;
      let client: pg.PoolClient | undefined;
      try {
        client = await this.pool.connect();
        // A connection that drops while checked out also emits "error" (unhandled, it would end the
        // process); the call in flight is rejected with it anyway, which is what is handled below.
        client.on("error", ignore);
        const result = await body(client, () => {
          sent = true;
        });
        client.off("error", ignore);
        client.release();
        return result;
      } catch (error) {
        const transient = isTransientPgError(error);
        client?.off("error", ignore);
        // A client whose connection failed is destroyed, not handed back to the pool.
        client?.release(transient ? (error as Error) : undefined);
        if (FairwayError.isInstance(error)) throw error;
        const ambiguous = sent && !idempotent && !rolledBack(error);
        if (!transient || ambiguous || attempt >= attempts)
          throw this.storeError(label, error, transient, ambiguous, attempt);
        await this.sleep(fullJitterMs(this.minDelayMs, this.maxDelayMs, attempt - 1));
      }
    }
  }

  private storeError(label: string, error: unknown, transient: boolean, ambiguous: boolean, tries: number) {
    const refused = refusedConnection(this.origin, error);
    if (refused !== undefined) return refused;
    const code = (error as { code?: unknown } | null)?.code;
    const tried = transient ? ` (${tries} ${tries === 1 ? "try" : "tries"})` : "";
    const why =
      typeof code === "string" && HOST_NOT_FOUND.has(code)
        ? `the database's host was not found${tried}`
        : !transient
          ? "the database refused it"
          : ambiguous
            ? "the connection dropped after the work was sent, so its outcome is unknown"
            : `the database is unreachable or busy${tried}`;
    // The driver's message with its code only when the message does not name it (`causeText`).
    return new StoreError(`PostgreSQL store: ${label} failed: ${why}: ${causeText(error)}`, {
      cause: error,
      retryable: transient,
    });
  }
}
