/*
 * `GET /api/health` is a readiness check: behind a load balancer, a worker whose database is unreachable or
 * whose client has not started answered "ok" and kept receiving events it answered 503. Now it answers 200
 * only when its client started and the store answers, else 503 with the reason.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Fairway } from "../../src/fairway.js";
import { createServer, type FairwayServer } from "../../src/server/index.js";
import { checkReadiness } from "../../src/server/readiness.js";
import { StoreProbe } from "../../src/server/store-probe.js";
import type { MemoryStore } from "../../src/store/memory/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { flakyStore } from "./helpers/flaky-store.js";
import { memoryLogger } from "./helpers/test-server.js";

let server: FairwayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server (never listening: its health check starts the client) on a fake clock, with one function. */
function app(store: MemoryStore) {
  const clock = new FakeClock();
  const fairway = new Fairway({ id: "app", store, clock, logger: memoryLogger() });
  fairway.createFunction({ id: "f" }, { event: "x" }, () => 1);
  server = createServer({ client: fairway, auth: { signingKey: "k".repeat(24) }, logger: memoryLogger() });
  const health = async () => {
    const response = await server!.app.request("/api/health");
    return { status: response.status, body: await response.json() };
  };
  return { clock, fairway, health };
}

describe("GET /api/health", () => {
  it("answers 200 ok once the client started and the store answers", async () => {
    const { fairway, health } = app(flakyStore().store);
    const start = vi.spyOn(fairway, "start");
    expect(await health()).toEqual({ status: 200, body: { status: "ok", auth: "keys", functions: 1 } });
    // The server never listened: the health check started the client.
    expect(start).toHaveBeenCalled();
  });

  it("answers 503 while the client has not started, naming the cause and the next attempt; 200 once it starts", async () => {
    const { clock, health } = app(flakyStore(1).store);
    expect(await health()).toEqual({
      status: 503,
      body: {
        status: "unavailable",
        reason: "the client could not start: PostgreSQL store: init failed: unreachable; next attempt in 1 s",
        auth: "keys",
        functions: 1,
      },
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
      body: {
        status: "unavailable",
        reason:
          "the store did not answer: PostgreSQL store: ping failed: the database is unreachable or busy (1 try): connect ECONNREFUSED 127.0.0.1:5432 (ECONNREFUSED)",
        auth: "keys",
        functions: 1,
      },
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

describe("checkReadiness and StoreProbe on a fake clock", () => {
  const never = new Promise<never>(() => {});

  it("waits up to 1 s for a start in flight, then answers that the client is starting", async () => {
    const clock = new FakeClock();
    const probe = new StoreProbe({ ping: async () => {}, clock });
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
    const probe = new StoreProbe({
      ping: () => {
        pings += 1;
        throw failure;
      },
      clock,
    });
    expect(await probe.check()).toEqual({ ok: false, error: failure });
    await clock.advance(1999);
    await probe.check();
    expect(pings).toBe(1);
    await clock.advance(1);
    expect(await probe.check()).toEqual({ ok: false, error: failure });
    expect(pings).toBe(2);
  });

  it("counts a ping that has not answered within 1 s as a failure, and sends no second one while it hangs", async () => {
    const clock = new FakeClock();
    let pings = 0;
    const probe = new StoreProbe({
      ping: () => {
        pings += 1;
        return never;
      },
      clock,
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
  });
});
