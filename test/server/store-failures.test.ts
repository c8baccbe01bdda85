import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors/index.js";
import { Fairway } from "../../src/fairway.js";
import { createServer, type FairwayServer } from "../../src/server/index.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import { toStoreError } from "../../src/store/store-failures.js";
import { tempDir } from "../engine/helpers.js";
import { EVENT_KEY, memoryLogger, SIGNING_KEY } from "./helpers/test-server.js";

const servers: FairwayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server on a real SQLite store whose `method` fails with `error` (what better-sqlite3 throws). */
function failingServer(method: "acceptEvents" | "listRuns", error: Error) {
  const store = new SqliteStore({ path: join(tempDir(), "fairway.db") });
  store[method] = async () => {
    throw error;
  };
  const logger = memoryLogger();
  const fairway = new Fairway({ id: "disk-full", store, logger });
  fairway.createFunction({ id: "f" }, { event: "app/go" }, async () => "ok");
  const server = createServer({
    client: fairway,
    auth: { signingKey: SIGNING_KEY, eventKeys: [EVENT_KEY] },
    logger,
  });
  servers.push(server);
  const call = (path: string, init: RequestInit = {}) =>
    server.app.request(path, {
      ...init,
      headers: { authorization: `Bearer ${SIGNING_KEY}`, "content-type": "application/json" },
    });
  return { fairway, call, logger };
}

const diskFull = () => new Database.SqliteError("database or disk is full", "SQLITE_FULL");

describe("store failures over HTTP", () => {
  it("a full disk while accepting events answers 503 store_failed (so clients retry), and is logged", async () => {
    const { call, logger } = failingServer("acceptEvents", diskFull());
    const reply = await call("/api/events", { method: "POST", body: JSON.stringify({ name: "app/go" }) });
    expect(reply.status).toBe(503);
    expect(await reply.json()).toEqual({
      error: {
        code: "store_failed",
        message: "The store failed (SQLITE_FULL) in acceptEvents; retry later.",
        retryable: false,
      },
    });
    expect(logger.lines.some((line) => line.includes("SQLITE_FULL"))).toBe(true);
  });

  it("answers 503 in Inngest's shape on /e/:key, and on reads (a busy database)", async () => {
    const { call, logger } = failingServer("acceptEvents", diskFull());
    const reply = await call(`/e/${EVENT_KEY}`, { method: "POST", body: JSON.stringify({ name: "app/go" }) });
    expect(reply.status).toBe(503);
    expect(await reply.json()).toMatchObject({ ids: [], status: 503, code: "store_failed" });
    expect(logger.lines.some((line) => line.includes("SQLITE_FULL"))).toBe(true);
    const busy = failingServer("listRuns", new Database.SqliteError("database is locked", "SQLITE_BUSY"));
    const runs = await busy.call("/api/runs");
    expect(runs.status).toBe(503);
    expect((await runs.json()).error.code).toBe("store_failed");
  });

  it("the engine itself throws a StoreError, retryable only for transient failures", async () => {
    const { fairway } = failingServer("acceptEvents", diskFull());
    const error = await fairway.send({ name: "app/go" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: "store_failed", retryable: false });
    const busy = failingServer("listRuns", new Database.SqliteError("database is locked", "SQLITE_BUSY"));
    await expect(busy.fairway.listRuns({})).rejects.toMatchObject({ retryable: true });
  });

  it("a programming error in a store stays a 500 fault with a generic message", async () => {
    const { call } = failingServer("listRuns", new TypeError("cannot read x of undefined"));
    const reply = await call("/api/runs");
    expect(reply.status).toBe(500);
    expect((await reply.json()).error.code).toBe("internal");
  });
});

describe("toStoreError", () => {
  const system = (code: string) => Object.assign(new Error(code), { code });
  const postgres = (code: string) => Object.assign(new Error(code), { code, severity: "ERROR" });

  it.each([
    ["SQLite full disk", new Database.SqliteError("full", "SQLITE_FULL"), false],
    ["SQLite I/O error", new Database.SqliteError("io", "SQLITE_IOERR_WRITE"), false],
    ["SQLite busy", new Database.SqliteError("busy", "SQLITE_BUSY_SNAPSHOT"), true],
    ["no space left", system("ENOSPC"), false],
    ["connection refused", system("ECONNREFUSED"), true],
    ["PostgreSQL connection lost", postgres("08006"), true],
    ["PostgreSQL disk full", postgres("53100"), false],
    ["PostgreSQL shutting down", postgres("57P01"), true],
  ])("%s is a StoreError", (_name, error, retryable) => {
    expect(toStoreError(error, "saveStep")).toMatchObject({ code: "store_failed", retryable, cause: error });
  });

  it.each([
    ["a SQLite constraint violation (a bug)", new Database.SqliteError("unique", "SQLITE_CONSTRAINT_UNIQUE")],
    ["a PostgreSQL unique violation", postgres("23505")],
    ["a TypeError", new TypeError("x")],
    ["a StoreError already", new StoreError("x", { retryable: true })],
  ])("%s is left as it is", (_name, error) => {
    expect(toStoreError(error, "saveStep")).toBe(error);
  });
});
