import { StoreError } from "./store-error.js";

/**
 * The database server refused to open a connection for what the store's URL names, which no retry can
 * change: the database does not exist (SQLSTATE `3D000`), or the role or its password is wrong (`28000`,
 * `28P01`). `url` is the URL without its password (or query); the message names it and says how to fix it.
 * Code `store_connection_refused`, never retryable.
 *
 * @example
 * // PostgreSQL database "nope" does not exist (postgres://app@db:5432/nope): create it (`createdb nope`)
 * // or point DATABASE_URL (`fairway start --database-url`, or the store's URL) at a database that exists
 */
export class StoreConnectionError extends StoreError {
  /** The store's URL, password and query left out. */
  readonly url: string;
  /** What the server answered (`3D000`, `28000` or `28P01`). */
  readonly sqlState: string;

  /** `detail`: the server's message (e.g. `database "nope" does not exist`). */
  constructor(url: string, sqlState: string, detail: string, cause?: unknown) {
    super(`PostgreSQL ${detail} (${url}): ${fixOf(url, sqlState)}`, {
      cause,
      retryable: false,
      code: "store_connection_refused",
    });
    this.url = url;
    this.sqlState = sqlState;
  }
}

const POINT_ELSEWHERE = "DATABASE_URL (`fairway start --database-url`, or the store's URL)";

function fixOf(url: string, sqlState: string): string {
  if (sqlState !== "3D000") return `use a role that exists, with its password, in ${POINT_ELSEWHERE}`;
  const name = databaseOf(url);
  const create = name === undefined ? "create it" : `create it (\`createdb ${name}\`)`;
  return `${create} or point ${POINT_ELSEWHERE} at a database that exists`;
}

function databaseOf(url: string): string | undefined {
  try {
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    return /^[\w.-]+$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}
