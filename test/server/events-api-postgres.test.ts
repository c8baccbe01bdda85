import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/index.js";
import { createServer } from "../../src/server/index.js";
import { PostgresStore } from "../../src/store/postgres/index.js";
import { dropSchema, uniqueSchema } from "../helpers/postgres.js";
import { type TcpProxy, tcpProxy } from "../helpers/tcp-proxy.js";
import { EVENT_KEY, memoryLogger, SIGNING_KEY } from "./helpers/test-server.js";

let proxy: TcpProxy | undefined;
let fairway: Fairway | undefined;
const schema = uniqueSchema("api503");

afterEach(async () => {
  await proxy?.up().catch(() => undefined);
  await fairway?.close();
  await proxy?.close();
  await dropSchema(schema);
});

/** A Fairway whose PostgreSQL store reaches the database through `proxy`, and its server. */
async function app() {
  proxy = await tcpProxy({ host: "127.0.0.1", port: 5432 });
  const store = new PostgresStore({
    connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
    schema,
    connectTimeoutMs: 1000,
    retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 5 },
  });
  const logger = memoryLogger();
  fairway = new Fairway({ id: "pg-503", store, logger });
  fairway.createFunction({ id: "echo" }, { event: "app/echo" }, async ({ event }) => event.data.n);
  const server = createServer({
    client: fairway,
    auth: { signingKey: SIGNING_KEY, eventKeys: [EVENT_KEY] },
    logger,
  });
  const send = (n: number) =>
    server.app.request("/api/events", {
      method: "POST",
      headers: { authorization: `Bearer ${EVENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "app/echo", data: { n } }),
    });
  return { fairway, proxy, send };
}

describe("event API on PostgreSQL while the database is unreachable", () => {
  it("answers 503 store_failed, then accepts again when the database is back; acknowledged events all run", async () => {
    const { fairway, proxy, send } = await app();
    const first = await send(1);
    expect(first.status).toBe(200);
    const [firstRun] = (await fairway.listRuns({ functionId: "echo" })).runs;
    await expect(fairway.waitForRun(firstRun?.id ?? "")).resolves.toBe(1);

    await proxy.down();
    const refused = await send(2);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("store_failed");

    await proxy.up();
    const accepted = await send(3);
    expect(accepted.status).toBe(200);
    const { runs } = await fairway.listRuns({ functionId: "echo" });
    expect(runs).toHaveLength(2);
    const outputs = await Promise.all(runs.map((run) => fairway.waitForRun(run.id)));
    expect(outputs.sort()).toEqual([1, 3]);
  });

  it("answers 503 when the database is unreachable at start-up, and starts once it is back", async () => {
    const { proxy, send } = await app();
    await proxy.down();
    const refused = await send(1);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("store_failed");
    await proxy.up();
    expect((await send(2)).status).toBe(200);
  });
});
