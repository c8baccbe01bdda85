/*
 * `GET /api/health` on PostgreSQL: a worker whose database cannot be reached answers 503 with the reason, so
 * a load balancer sends its events to the workers that can take them; and 200 again once the database is
 * back. The driver's error (host, port; never the URL's password) is the `cause`, for the signing key only.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { createServer, type FairwayServer } from "../../src/server/index.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { dropSchema, frozenMonotonic, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.js";
import { type TcpProxy, tcpProxy } from "../helpers/tcp-proxy.js";
import { memoryLogger, SIGNING_KEY } from "./helpers/test-server.js";

let proxy: TcpProxy | undefined;
let server: FairwayServer | undefined;
const schema = uniqueSchema("health");

afterEach(async () => {
  await proxy?.up().catch(() => undefined);
  await server?.close();
  await proxy?.close();
  await dropSchema(schema);
  proxy = undefined;
  server = undefined;
});

/** A server (never listening: its health check starts the client) on a fake clock, for `connectionString`. */
function app(connectionString: string) {
  const clock = new FakeClock();
  const store = new PostgresStore({
    connectionString,
    schema,
    connectTimeoutMs: 1000,
    retry: { attempts: 2, minDelayMs: 1, maxDelayMs: 5 },
    monotonicClock: frozenMonotonic,
  });
  const logger = memoryLogger();
  const fairway = new Fairway({ id: "pg-health", store, clock, logger });
  server = createServer({ client: fairway, auth: { signingKey: SIGNING_KEY }, logger });
  /** `GET /api/health`, with `Authorization: Bearer <credential>` when one is given. */
  const health = async (credential?: string) => {
    const headers: Record<string, string> =
      credential === undefined ? {} : { authorization: `Bearer ${credential}` };
    const response = await server!.app.request("/api/health", { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { clock, health };
}

describe("GET /api/health on PostgreSQL", () => {
  it("answers 503 when the store's port is closed; the signing key also gets the refused connection (no password)", async () => {
    const { health } = app("postgres://postgres:secret-password@127.0.0.1:1/test");
    expect(await health()).toEqual({
      status: 503,
      body: {
        status: "unavailable",
        reason: "the client could not start; next attempt in 1 s",
        auth: "keys",
        functions: 0,
      },
    });
    const { status, body } = await health(SIGNING_KEY);
    expect(status).toBe(503);
    expect(body).toEqual({
      status: "unavailable",
      reason: "the client could not start; next attempt in 1 s",
      cause: expect.stringMatching(
        /^PostgreSQL store: init failed: the database is unreachable or busy \(2 tries\): .*ECONNREFUSED/,
      ),
      auth: "keys",
      functions: 0,
    });
    expect(JSON.stringify(body)).not.toContain("secret-password");
  });

  it("answers 503 while the database is unreachable (its error for the signing key), and 200 once it is back", async () => {
    const target = new URL(TEST_DATABASE_URL);
    proxy = await tcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    target.hostname = "127.0.0.1";
    target.port = String(proxy.port);
    const { clock, health } = app(target.href);
    expect(await health()).toMatchObject({ status: 200, body: { status: "ok" } });

    await proxy.down();
    await clock.advance(2000);
    expect(await health()).toEqual({
      status: 503,
      body: { status: "unavailable", reason: "the store did not answer", auth: "keys", functions: 0 },
    });
    expect(await health(SIGNING_KEY)).toEqual({
      status: 503,
      body: {
        status: "unavailable",
        reason: "the store did not answer",
        cause: expect.stringMatching(
          /^PostgreSQL store: ping failed: the database is unreachable or busy \(1 try\): .*ECONNREFUSED/,
        ),
        auth: "keys",
        functions: 0,
      },
    });

    await proxy.up();
    await clock.advance(2000);
    expect(await health()).toMatchObject({ status: 200, body: { status: "ok" } });
  });
});
