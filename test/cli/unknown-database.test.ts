import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { StoreConnectionError, StoreError } from "../../src/errors/index.js";
import { Fairway } from "../../src/fairway.js";
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

/** What the error says: the database, the URL without its password, and the fix. */
const shown = new URL(missing.href);
shown.password = "***";
const message =
  `PostgreSQL database "${database}" does not exist (${shown.href}): create it (\`createdb ${database}\`) or ` +
  "point DATABASE_URL (`fairway start --database-url`, or the store's URL) at a database that exists";

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
  it("fairway start --database-url: one line naming the database and URL (no password) and the fix, exit 1", async () => {
    const { code, stderr } = await failure(["start", app, "--port", "0", "--database-url", missing.href]);
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([`fairway: ${message} [store_connection_refused]`]);
    expect(stderr).not.toContain("not-to-be-printed");
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it("fairway dev with DATABASE_URL: the same line, exit 1", async () => {
    const { code, stderr } = await failure(["dev", app, "--port", "0"], { DATABASE_URL: missing.href });
    expect(code).toBe(1);
    expect(errorLines(stderr)).toEqual([`fairway: ${message} [store_connection_refused]`]);
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
    expect((error as Error).message).toBe(message);
  });
});
