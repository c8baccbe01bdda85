import { afterEach, describe, expect, it } from "vitest";
import { createTenantToken } from "../../src/server/index.js";
import { EVENT_KEY, SIGNING_KEY, type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer;
afterEach(() => t?.server.close());

function define() {
  t = testServer((fairway) => [
    fairway.createFunction(
      { id: "greet" },
      { event: "app/greet" },
      async ({ event }) => `hi ${event.data.name}`,
    ),
  ]);
  return t;
}

describe("event API", () => {
  it("accepts one event or many with an event key and starts runs", async () => {
    define();
    const one = await t.call(
      "/api/events",
      { method: "POST", json: { name: "app/greet", data: { name: "a" } } },
      EVENT_KEY,
    );
    expect(one.status).toBe(200);
    const body = (await one.json()) as { ids: string[]; status: number };
    expect(body.status).toBe(200);
    expect(body.ids).toHaveLength(1);
    const many = await t.call(
      "/api/events",
      { method: "POST", json: [{ name: "app/greet", data: { name: "b" } }, { name: "app/other" }] },
      EVENT_KEY,
    );
    expect(((await many.json()) as { ids: string[] }).ids).toHaveLength(2);
    const { runs } = await t.fairway.listRuns({ functionId: "greet" });
    expect(runs).toHaveLength(2);
    const outputs = await Promise.all(runs.map((run) => t.fairway.waitForRun(run.id)));
    expect(outputs.sort()).toEqual(["hi a", "hi b"]);
  });

  it("accepts the signing key too, and Inngest's POST /e/:eventKey", async () => {
    define();
    expect((await t.call("/api/events", { method: "POST", json: { name: "x" } })).status).toBe(200);
    const inngest = await t.call(
      `/e/${EVENT_KEY}`,
      { method: "POST", json: { name: "app/greet", data: {} } },
      null,
    );
    expect(inngest.status).toBe(200);
    expect(await inngest.json()).toEqual({ ids: [expect.any(String)], status: 200 });
  });

  it("answers 401 without credentials or with an unknown key, and stores nothing", async () => {
    define();
    const none = await t.call("/api/events", { method: "POST", json: { name: "app/greet" } }, null);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      error: { code: "unauthorized", message: expect.stringMatching(/Credentials required/) },
    });
    expect(
      (await t.call("/api/events", { method: "POST", json: { name: "app/greet" } }, "wrong-key-0123456789"))
        .status,
    ).toBe(401);
    const inngest = await t.call(
      "/e/wrong-key-0123456789",
      { method: "POST", json: { name: "app/greet" } },
      null,
    );
    expect(inngest.status).toBe(401);
    expect(await inngest.json()).toMatchObject({ ids: [], status: 401, code: "unauthorized" });
    expect(
      (await t.call("/api/events", { method: "POST", json: { name: "app/greet" } }, "Basic abc")).status,
    ).toBe(401);
    expect((await t.fairway.listRuns()).runs).toHaveLength(0);
  });

  it("takes only event keys in the /e/<key> path, never the signing key (URLs reach access logs)", async () => {
    define();
    const viaPath = await t.call(`/e/${SIGNING_KEY}`, { method: "POST", json: { name: "app/greet" } }, null);
    expect(viaPath.status).toBe(403);
    expect(await viaPath.json()).toMatchObject({
      ids: [],
      status: 403,
      code: "forbidden",
      error: expect.stringContaining("Only an event key is accepted in the /e/<key> path"),
    });
    expect((await t.fairway.listRuns()).runs).toHaveLength(0);
    const viaHeader = await t.call("/api/events", { method: "POST", json: { name: "app/greet" } });
    expect(viaHeader.status).toBe(200);
    const withEventKey = await t.call(
      `/e/${EVENT_KEY}`,
      { method: "POST", json: { name: "app/greet" } },
      null,
    );
    expect(withEventKey.status).toBe(200);
  });

  it("answers 403 to a tenant token: tenants read, they do not send", async () => {
    define();
    const { token } = createTenantToken({ userId: "u1", secret: SIGNING_KEY });
    const response = await t.call("/api/events", { method: "POST", json: { name: "app/greet" } }, token);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    const inngest = await t.call(`/e/${token}`, { method: "POST", json: { name: "app/greet" } }, null);
    expect(await inngest.json()).toMatchObject({ ids: [], status: 403, code: "forbidden" });
    const bad = await t.call(`/e/${EVENT_KEY}`, { method: "POST", body: "{" }, null);
    expect(await bad.json()).toMatchObject({ ids: [], status: 400, code: "validation_failed" });
  });

  it("rejects bad input with 4xx naming the problem, and keeps serving", async () => {
    define();
    const post = (body: string) =>
      t.call("/api/events", { method: "POST", body, headers: { "content-type": "application/json" } });
    const malformed = await post("{not json");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: { code: "validation_failed", message: expect.stringMatching(/malformed JSON/) },
    });
    const unknown = await post(JSON.stringify({ name: "app/greet", dat: {} }));
    expect(await unknown.json()).toMatchObject({
      error: { issues: [{ path: "dat", message: "is not an event field (name, data, id, ts, v)" }] },
    });
    const noName = await post(JSON.stringify([{ name: "ok" }, { data: {} }]));
    expect(noName.status).toBe(400);
    expect(((await noName.json()) as { error: { issues: { path: string }[] } }).error.issues[0]!.path).toBe(
      "[1].name",
    );
    expect((await post("[]")).status).toBe(400);
    expect((await post("")).status).toBe(400);
    const proto = await post('{"name":"x","data":{"__proto__":{"admin":true}}}');
    expect(proto.status).toBe(400);
    const huge = await post(JSON.stringify({ name: "app/greet", data: { blob: "x".repeat(600 * 1024) } }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "limit_exceeded",
    });
    expect((await t.fairway.listRuns()).runs).toHaveLength(0);
    const good = await post(JSON.stringify({ name: "app/greet", data: { name: "still" } }));
    expect(good.status).toBe(200);
  });

  it("rejects a body over maxBodyBytes with 413 before reading it", async () => {
    t = testServer(() => [], { maxBodyBytes: 1024 });
    const response = await t.call("/api/events", {
      method: "POST",
      json: { name: "a", data: { x: "y".repeat(2000) } },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      error: { code: "limit_exceeded", message: expect.stringMatching(/request body/) },
    });
  });

  it("answers unknown routes with a JSON 404", async () => {
    define();
    const response = await t.call("/api/nope");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: "not_found", message: expect.stringMatching(/GET \/api\/nope/) },
    });
  });
});
