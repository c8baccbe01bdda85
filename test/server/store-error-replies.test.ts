import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors/index.js";
import { Fairway } from "../../src/fairway.js";
import { createServer, createTenantToken, type FairwayServer } from "../../src/server/index.js";
import { MemoryStore } from "../../src/store/memory/index.js";
import { readSse } from "./helpers/read-sse.js";
import { EVENT_KEY, memoryLogger, SIGNING_KEY } from "./helpers/test-server.js";

/** What the PostgreSQL store throws with its database away: the driver's text names the internal host. */
function unreachable(operation: string): StoreError {
  const cause = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5999"), { code: "ECONNREFUSED" });
  return new StoreError(
    `PostgreSQL store: ${operation} failed: the database is unreachable or busy (3 tries): connect ECONNREFUSED 10.0.0.5:5999`,
    { cause, retryable: true },
  );
}

type Failing = "acceptEvents" | "listRuns" | "getRun" | "getSteps";

const servers: FairwayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/**
 * A server (with keys, or `open`) whose store fails `methods` with `failure` (by default as an unreachable
 * PostgreSQL does).
 */
function downServer(methods: Failing[], open = false, failure: (method: string) => Error = unreachable) {
  const store = new MemoryStore();
  const down = new Set<string>(methods);
  for (const method of ["acceptEvents", "listRuns", "getRun", "getSteps"] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      down.has(method) ? Promise.reject(failure(method)) : original(...args);
  }
  const logger = memoryLogger();
  const fairway = new Fairway({ id: "down", store, logger });
  fairway.createFunction({ id: "f" }, { event: "app/go" }, async () => "ok");
  const server = createServer({
    client: fairway,
    auth: open ? { open: true } : { signingKey: SIGNING_KEY, eventKeys: [EVENT_KEY] },
    logger,
  });
  servers.push(server);
  const call = (path: string, key: string | undefined, init: RequestInit = {}) =>
    server.app.request(`http://localhost${path}`, {
      ...init,
      headers: {
        "content-type": "application/json",
        ...(key !== undefined && { authorization: `Bearer ${key}` }),
      },
    });
  const failures = () => logger.entries.filter((entry) => entry.level === "error");
  return { call, logger, failures, down };
}

const TENANT = createTenantToken({ userId: "u1", secret: SIGNING_KEY }).token;
const GO = { method: "POST", body: JSON.stringify({ name: "app/go", data: { userId: "u1" } }) };
const GENERIC = { code: "store_failed", message: "The store is unavailable; retry later.", retryable: true };

describe("a store failure over HTTP", () => {
  it.each([
    ["POST /api/events with an event key", "/api/events", EVENT_KEY, GO],
    ["GET /api/runs with a tenant token", "/api/runs", TENANT, {}],
    ["GET /api/runs/:id with a tenant token", "/api/runs/r1", TENANT, {}],
    ["GET /api/runs/:id/stream with a tenant token", "/api/runs/r1/stream", TENANT, {}],
  ])(
    "%s: 503 with a generic message, the code and retryable, no driver text",
    async (_name, path, key, init) => {
      const { call, failures } = downServer(["acceptEvents", "listRuns", "getRun"]);
      const reply = await call(path, key, init);
      expect(reply.status).toBe(503);
      expect(reply.headers.get("vary")).toBe("Authorization");
      const text = await reply.text();
      expect(text).not.toMatch(/ECONNREFUSED|10\.0\.0\.5|PostgreSQL/);
      expect(JSON.parse(text)).toEqual({ error: GENERIC });
      expect(failures()).toHaveLength(1);
    },
  );

  it("POST /e/<event key> answers in Inngest's shape with the generic message", async () => {
    const { call } = downServer(["acceptEvents"]);
    const reply = await call(`/e/${EVENT_KEY}`, undefined, GO);
    expect(reply.status).toBe(503);
    expect(await reply.json()).toEqual({
      ids: [],
      status: 503,
      error: GENERIC.message,
      code: "store_failed",
      retryable: true,
    });
  });

  it("the admin (signing key, or an open server) reads the store's message", async () => {
    const withKeys = downServer(["listRuns"]);
    const admin = await withKeys.call("/api/runs", SIGNING_KEY);
    expect(admin.status).toBe(503);
    expect(await admin.json()).toEqual({
      error: { code: "store_failed", message: unreachable("listRuns").message, retryable: true },
    });
    const open = await downServer(["listRuns"], true).call("/api/runs", undefined);
    expect((await open.json()).error.message).toBe(unreachable("listRuns").message);
  });

  it("a store failure that retrying does not fix says so, still without the driver's text", async () => {
    const corrupt = () => new StoreError("SQLITE_CORRUPT at /var/lib/app/fairway.db", { retryable: false });
    const reply = await downServer(["listRuns"], false, corrupt).call("/api/runs", TENANT);
    expect(reply.status).toBe(503);
    expect(await reply.json()).toEqual({
      error: {
        code: "store_failed",
        message: "The store is unavailable; see the server log.",
        retryable: false,
      },
    });
  });

  it("is logged once per request as one line naming the request, the code and the store's message", async () => {
    const { call, failures } = downServer(["listRuns"]);
    await call("/api/runs", TENANT);
    expect(failures()).toEqual([
      {
        level: "error",
        message: `fairway server: GET /api/runs: StoreError (store_failed): ${unreachable("listRuns").message}`,
      },
    ]);
  });

  it("ends a run stream whose snapshot fails: one log line, no driver text to the reader", async () => {
    const { call, failures, down } = downServer([]);
    const sent = await call("/api/events", EVENT_KEY, GO);
    expect(sent.status).toBe(200);
    const { runs } = await (await call("/api/runs", SIGNING_KEY)).json();
    down.add("getSteps");
    const stream = await call(`/api/runs/${runs[0].id}/stream`, TENANT);
    expect(stream.status).toBe(200);
    expect(await readSse(stream)).toEqual([]);
    expect(failures()).toEqual([
      {
        level: "error",
        message: `fairway server: GET /api/runs/${runs[0].id}/stream: StoreError (store_failed): ${unreachable("getSteps").message}`,
      },
    ]);
  });
});
