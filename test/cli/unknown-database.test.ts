import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { StoreConnectionError, StoreError } from "../../src/errors/index.js";
import { Fairway } from "../../src/fairway.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { TEST_DATABASE_URL } from "../helpers/postgres.js";

const run = promisify(execFile);
const launcher = join(import.meta.dirname, "../../src/cli/fairway.mjs");
const app = join(import.meta.dirname, "fixtures/postgres-app.ts");
/** The test server's URL with a password (trust auth ignores it) naming a database that does not exist. */
const missing = new URL(TEST_DATABASE_URL);
missing.password = "not-to-be-printed";
missing.pathname = `/fairway_missing_${process.pid}`;
const database = missing.pathname.slice(1);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  FAIRWAY_CLI_SOURCE: "1",
  FAIRWAY_SIGNING_KEY: "sk-cli-unknown-db-0123456789abcdef",
};
delete env.DATABASE_URL;

/** What the error says: the database, the URL without its password, and the fix where the URL came from. */
const shown = new URL(missing.href);
shown.password = "***";
const message = (where: string) =>
  `PostgreSQL database "${database}" does not exist (${shown.href}): create it (\`createdb ${database}\`) or ` +
  `point ${where} at a database that exists`;

/** The lines of the CLI's stderr that are not progress lines (a terminal would have cleared those). */
const errorLines = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("fairway:"));

async function failure(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const outcome = await run(process.execPath, [launcher, ...args], {
    env: { ...env, ...extraEnv },
    timeout: 30_000,
  }).catch((error: { code: number; stdout: string; stderr: string }) => error);
  return outcome as { code?: number; stdout: string; stderr: string };
}

describe("a database that does not exist, at start", () => {
  it("fairway start --database-url: one line naming the database and URL (no password) and the flag to fix, exit 1", async () => {
    const { code, stderr } = await failure(["start", app, "--port", "0", "--database-url", missing.href]);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([
      `fairway: ${message("`fairway start --database-url`")} [store_connection_refused]`,
    ]);
    expect(stderr).not.toContain("not-to-be-printed");
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it("fairway dev with DATABASE_URL: the same line, naming the variable to fix, exit 1", async () => {
    const { code, stderr } = await failure(["dev", app, "--port", "0"], { DATABASE_URL: missing.href });
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([
      `fairway: ${message("the DATABASE_URL environment variable")} [store_connection_refused]`,
    ]);
    expect(stderr).not.toContain("not-to-be-printed");
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe("a database that does not exist, in process (new Fairway({ store }))", () => {
  let client: Fairway | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it("start() rejects with a StoreConnectionError (a StoreError, not retryable) with that message", async () => {
    client = new Fairway({ id: "app", store: missing.href });
    const error = await client.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreConnectionError);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({
      code: "store_connection_refused",
      retryable: false,
      sqlState: "3D000",
      url: expect.stringContaining(`:***@`),
    });
    expect((error as Error).message).toBe(message("the `store` option of `new Fairway({ ... })`"));
    expect(error).toMatchObject({ source: "store" });
  });
});

describe("a database, role or password the server refuses, in process (new PostgresStore(...))", () => {
  const stores: PostgresStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  /** What `init()` of `store` rejects with. */
  async function refusal(store: PostgresStore): Promise<unknown> {
    stores.push(store);
    return store.init().catch((caught: unknown) => caught);
  }

  it("connectionString: the message names the connectionString to fix", async () => {
    const error = await refusal(new PostgresStore({ connectionString: missing.href }));
    expect(error).toBeInstanceOf(StoreConnectionError);
    expect(error).toMatchObject({ source: "connectionString", sqlState: "3D000" });
    expect((error as Error).message).toBe(message("the `connectionString` of `new PostgresStore({ ... })`"));
  });

  it("DATABASE_URL (no connectionString): the message names the environment variable", async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = missing.href;
    try {
      const error = await refusal(new PostgresStore());
      expect(error).toMatchObject({ source: "DATABASE_URL", sqlState: "3D000" });
      expect((error as Error).message).toBe(message("the DATABASE_URL environment variable"));
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it("a role that does not exist: use one that exists, with its password, where the URL came from", async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.username = `fairway_no_role_${process.pid}`;
    url.password = "not-to-be-printed";
    const error = await refusal(new PostgresStore({ connectionString: url.href }));
    expect(error).toMatchObject({
      code: "store_connection_refused",
      source: "connectionString",
      sqlState: "28000",
    });
    url.password = "***";
    expect((error as Error).message).toBe(
      `PostgreSQL role "${url.username}" does not exist (${url.href}): use a role that exists, with its ` +
        "password, in the `connectionString` of `new PostgresStore({ ... })`",
    );
  });
});
