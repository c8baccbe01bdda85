import { StoreError } from "./store-error.js";

/**
 * Where a PostgreSQL store's URL came from, by the name of what gave it: the `store` option of
 * `new Fairway(...)` (a `postgres://` string), `new PostgresStore({ connectionString })`, the `DATABASE_URL`
 * environment variable (no `store` option, or a `PostgresStore` without `connectionString`),
 * `fairway start --database-url`, or the `connectionString` of `postgresHistory({ ... })`. A
 * `StoreConnectionError` tells the user to fix it there.
 */
export type StoreUrlSource =
  | "store"
  | "connectionString"
  | "DATABASE_URL"
  | "--database-url"
  | "postgresHistory";

/** A store's URL fit to print (password, query and fragment left out) and where it came from. */
export interface StoreUrlOrigin {
  url: string;
  source: StoreUrlSource;
}

/**
 * The database server refused to open a connection for what the store's URL names, which no retry can
 * change: the database does not exist (SQLSTATE `3D000`), or the role or its password is wrong (`28000`,
 * `28P01`). The message names the URL without its password (or query) and how to fix it where the URL came
 * from (`source`); a URL that names no user is told to name one. The message starts with "PostgreSQL" unless
 * the server's message already says it. Code `store_connection_refused`, never retryable.
 *
 * @example
 * // PostgreSQL database "nope" does not exist (postgres://app@db:5432/nope): create it (`createdb nope`)
 * // or point the DATABASE_URL environment variable at a database that exists
 */
export class StoreConnectionError extends StoreError {
  /** The store's URL, password and query left out. */
  readonly url: string;
  /** Where the URL came from: what the message says to fix. */
  readonly source: StoreUrlSource;
  /** What the server answered (`3D000`, `28000` or `28P01`). */
  readonly sqlState: string;
  /** The server's message (e.g. `database "nope" does not exist`). */
  readonly detail: string;

  constructor(origin: StoreUrlOrigin, sqlState: string, detail: string, cause?: unknown) {
    super(
      `${/postgresql/i.test(detail) ? "" : "PostgreSQL "}${detail} (${origin.url}): ${fixOf(origin, sqlState)}`,
      {
        cause,
        retryable: false,
        code: "store_connection_refused",
      },
    );
    this.url = origin.url;
    this.source = origin.source;
    this.sqlState = sqlState;
    this.detail = detail;
  }
}

/** What the user changes for each source, worded to follow "point … at" and "in …". */
const WHERE: Record<StoreUrlSource, string> = {
  store: "the `store` option of `new Fairway({ ... })`",
  connectionString: "the `connectionString` of `new PostgresStore({ ... })`",
  DATABASE_URL: "the DATABASE_URL environment variable",
  "--database-url": "`fairway start --database-url`",
  postgresHistory: "the `connectionString` of `postgresHistory({ ... })`",
};

function fixOf({ url, source }: StoreUrlOrigin, sqlState: string): string {
  const parsed = parse(url);
  if (sqlState !== "3D000")
    return parsed?.username === ""
      ? `the URL names no user (pg then takes the USER environment variable): put a role that exists, with its ` +
          `password, in ${WHERE[source]} (postgres://user:password@host:5432/database)`
      : `use a role that exists, with its password, in ${WHERE[source]}`;
  const name = databaseOf(parsed);
  const create = name === undefined ? "create it" : `create it (\`createdb ${name}\`)`;
  return `${create} or point ${WHERE[source]} at a database that exists`;
}

/** The database `url` names, when it is a plain name fit for a shell command. */
function databaseOf(url: URL | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const name = decodeURIComponent(url.pathname.slice(1));
    return /^[\w.-]+$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** `url` parsed, or undefined when it does not parse (a printable URL may be `postgres://…`). */
function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
