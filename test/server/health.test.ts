/*
 * `GET /api/health` is a readiness check: behind a load balancer, a worker whose database is unreachable or
 * whose client has not started answered "ok" and kept receiving events it answered 503. Now it answers 200
 * only when its client started and the store answers, else 503 with the reason.
 *
 * It needs no credentials, and its 503 named the store's error ("connect ECONNREFUSED 10.0.3.4:5432", a
 * database name) to anyone who could reach the port. Now the reason is generic and the error (the `cause`)
 * goes only to the admin: an open server, or a request with the signing key.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Fairway } from "../../src/fairway.js";
import {
  createServer,
  createTenantToken,
  type FairwayServer,
  type ServerAuthOptions,
} from "../../src/server/index.js";
import { checkReadiness } from "../../src/server/readiness.js";
import { StoreProbe } from "../../src/server/store-probe.js";
import type { MemoryStore } from "../../src/store/memory/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { flakyStore } from "./helpers/flaky-store.js";
import { EVENT_KEY, memoryLogger, SIGNING_KEY } from "./helpers/test-server.js";

let server: FairwayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * A server (never listening: its health check starts the client) on a fake clock, with one function; keys
 * (the signing key and an event key) unless `auth` says otherwise. `health(credential)` calls
 * `GET /api/health`, with `Authorization: Bearer <credential>` when one is given.
 */
function app(
  store: MemoryStore,
  auth: ServerAuthOptions = { signingKey: SIGNING_KEY, eventKeys: [EVENT_KEY] },
) {
  const clock = new FakeClock();
  const fairway = new Fairway({ id: "app", store, clock, logger: memoryLogger() });
  fairway.createFunction({ id: "f" }, { event: "x" }, () => 1);
  const logger = memoryLogger();
  server = createServer({ client: fairway, auth, logger });
  const health = async (credential?: string) => {
    const headers: Record<string, string> =
      credential === undefined ? {} : { authorization: `Bearer ${credential}` };
    const response = await server!.app.request("/api/health", { headers });
    return { status: response.status, body: await response.json() };
  };
  return { clock, fairway, health, logger };
}

/** What the flaky store's ping throws while it is down: it names the database's host and port. */
const PING_FAILED =
  "PostgreSQL store: ping failed: the database is unreachable or busy (1 try): connect ECONNREFUSED 127.0.0.1:5432";

describe("GET /api/health", () => {
  it("answers 200 ok once the client started and the store answers", async () => {
    const { fairway, health } = app(flakyStore().store);
    const start = vi.spyOn(fairway, "start");
    expect(await health()).toEqual({ status: 200, body: { status: "ok", auth: "keys", functions: 1 } });
    // The server never listened: the health check started the client.
    expect(start).toHaveBeenCalled();
  });

  it("answers 503 while the client has not started, naming the next attempt (the cause for the admin); 200 once it starts", async () => {
    const { clock, health } = app(flakyStore(1).store);
    expect(await health()).toEqual({
      status: 503,
      body: {
        status: "unavailable",
        reason: "the client could not start; next attempt in 1 s",
        auth: "keys",
        functions: 1,
      },
    });
    expect((await health(SIGNING_KEY)).body).toMatchObject({
      reason: "the client could not start; next attempt in 1 s",
      cause: "PostgreSQL store: init failed: unreachable",
    });
    await clock.advance(999);
    expect((await health()).body.reason).toMatch(/next attempt in 1 s$/);
    await clock.advance(1);
    expect(await health()).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("answers 503 with the store's error while it fails, pinging it once per 2 s however often asked; 200 when it is back", async () => {
    const { store, control } = flakyStore();
    const { clock, health } = app(store);
    expect((await health()).status).toBe(200);
    control.down = true;
    await clock.advance(2000);
    const down = {
      status: 503,
      body: { status: "unavailable", reason: "the store did not answer", auth: "keys", functions: 1 },
    };
    expect(await health()).toEqual(down);
    control.down = false;
    await clock.advance(1999);
    expect(await health()).toEqual(down);
    expect(control.pings).toBe(2);
    await clock.advance(1);
    expect(await health()).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(control.pings).toBe(3);
  });

  it("answers 503 once the client is closed, and after the server closed", async () => {
    const { fairway, health } = app(flakyStore().store);
    expect((await health()).status).toBe(200);
    await fairway.close();
    const closed = {
      status: 503,
      body: expect.objectContaining({ reason: expect.stringMatching(/closed/) }),
    };
    expect(await health()).toEqual(closed);
    await server!.close();
    expect(await health()).toEqual(closed);
  });

  it("logs the store's failure once when it stops answering and once when it answers again, not per health check", async () => {
    const { store, control } = flakyStore();
    const { clock, health, logger } = app(store);
    expect((await health()).status).toBe(200);
    control.down = true;
    for (let check = 0; check < 3; check += 1) {
      await clock.advance(2000);
      expect((await health()).status).toBe(503);
    }
    expect(control.pings).toBe(4);
    control.down = false;
    await clock.advance(2000);
    expect((await health()).status).toBe(200);
    await clock.advance(2000);
    expect((await health()).status).toBe(200);
    expect(logger.entries.filter((entry) => entry.level !== "debug")).toEqual([
      {
        level: "warn",
        message: `the store did not answer: ${PING_FAILED}; the server is not ready until it does`,
      },
      // At the failure's level: the default logger drops info, and the recovery must be seen with the failure.
      { level: "warn", message: "the store answers again: the server is ready" },
    ]);
  });

  it("GET /api/health/live answers 200 whatever the store (liveness: the process serves HTTP)", async () => {
    const { store, control } = flakyStore(1);
    control.down = true;
    app(store);
    const response = await server!.app.request("/api/health/live");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(control.pings).toBe(0);
  });
});

describe("GET /api/health: who sees the cause (the store's error names internal hosts, ports, databases)", () => {
  /** A keys server whose store stopped answering; `health` as in `app`. */
  async function storeDown(auth?: ServerAuthOptions) {
    const { store, control } = flakyStore();
    const { clock, health } = app(store, auth);
    expect((await health()).status).toBe(200);
    control.down = true;
    await clock.advance(2000);
    return health;
  }
  const generic = {
    status: 503,
    body: { status: "unavailable", reason: "the store did not answer", auth: "keys", functions: 1 },
  };

  it("a caller without credentials gets the generic reason: no cause, no host, port or driver code", async () => {
    const health = await storeDown();
    const reply = await health();
    expect(reply).toEqual(generic);
    expect(JSON.stringify(reply.body)).not.toMatch(/127\.0\.0\.1|5432|ECONNREFUSED|PostgreSQL/);
  });

  it("the signing key gets the cause too", async () => {
    const health = await storeDown();
    expect(await health(SIGNING_KEY)).toEqual({
      status: 503,
      body: { ...generic.body, cause: PING_FAILED },
    });
  });

  it("an event key, a tenant token or a bad credential gets the generic reply (never a 401)", async () => {
    const health = await storeDown();
    const { token } = createTenantToken({ userId: "user_1", secret: SIGNING_KEY, expiresIn: "10m" });
    for (const credential of [EVENT_KEY, token, "not-a-key-at-all-0123456789", "fwt1.bad.token", ""]) {
      expect(await health(credential)).toEqual(generic);
    }
    const malformed = await server!.app.request("/api/health", { headers: { authorization: "Basic abc" } });
    expect(malformed.status).toBe(503);
    expect(await malformed.json()).toEqual(generic.body);
  });

  it("an open server (every caller is admin) gives the cause to every caller", async () => {
    const health = await storeDown({ open: true });
    expect(await health()).toEqual({
      status: 503,
      body: {
        status: "unavailable",
        reason: "the store did not answer",
        cause: PING_FAILED,
        auth: "open",
        functions: 1,
      },
    });
  });

  it("says that the reply varies with the Authorization header, so that no cache shares the admin's", async () => {
    await storeDown();
    const reply = await server!.app.request("/api/health");
    expect(reply.status).toBe(503);
    expect(reply.headers.get("vary")).toBe("Authorization");
  });
});

describe("checkReadiness and StoreProbe on a fake clock", () => {
  const never = new Promise<never>(() => {});

  it("waits up to 1 s for a start in flight, then answers that the client is starting", async () => {
    const clock = new FakeClock();
    const probe = new StoreProbe({ ping: async () => {}, clock, logger: memoryLogger() });
    let answered: unknown;
    const checking = checkReadiness({
      startState: () => ({ phase: "starting", settled: never }),
      start: () => never,
      probe,
      clock,
    }).then((readiness) => {
      answered = readiness;
    });
    await clock.advance(999);
    expect(answered).toBeUndefined();
    await clock.advance(1);
    await checking;
    expect(answered).toEqual({
      ready: false,
      reason: "the client is starting (opening the store, resuming runs)",
    });
  });

  it("pings again once the outcome is 2 s old, also after a ping that threw at once", async () => {
    const clock = new FakeClock();
    let pings = 0;
    const failure = new Error("pool is closed");
    const logger = memoryLogger();
    const probe = new StoreProbe({
      ping: () => {
        pings += 1;
        throw failure;
      },
      clock,
      logger,
    });
    expect(await probe.check()).toEqual({ ok: false, error: failure });
    await clock.advance(1999);
    await probe.check();
    expect(pings).toBe(1);
    await clock.advance(1);
    expect(await probe.check()).toEqual({ ok: false, error: failure });
    expect(pings).toBe(2);
    // Logged when it started failing (the full error at debug), not again for the second failure.
    expect(logger.entries).toEqual([
      {
        level: "warn",
        message: "the store did not answer: pool is closed; the server is not ready until it does",
      },
      { level: "debug", message: "the store did not answer: the full error", fields: { error: failure } },
    ]);
  });

  it("counts a ping that has not answered within 1 s as a failure, and sends no second one while it hangs", async () => {
    const clock = new FakeClock();
    let pings = 0;
    const logger = memoryLogger();
    const probe = new StoreProbe({
      ping: () => {
        pings += 1;
        return never;
      },
      clock,
      logger,
    });
    const first = probe.check();
    await clock.advance(1000);
    expect(await first).toEqual({ ok: false, timedOut: true });
    const readiness = await checkReadiness({
      startState: () => ({ phase: "started" }),
      start: async () => {},
      probe,
      clock,
    });
    expect(readiness).toEqual({ ready: false, reason: "the store did not answer within 1000 ms" });
    await clock.advance(2000);
    const second = probe.check();
    await clock.advance(1000);
    expect(await second).toEqual({ ok: false, timedOut: true });
    expect(pings).toBe(1);
    expect(logger.entries).toEqual([
      {
        level: "warn",
        message: "the store did not answer: no answer within 1000 ms; the server is not ready until it does",
      },
    ]);
  });
});
