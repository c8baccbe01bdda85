import { afterEach, describe, expect, it } from "vitest";
import type { Fairway } from "../../src/fairway.js";
import { EVENT_KEY, type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer;
afterEach(async () => {
  await t?.server.close();
});

const define = (fairway: Fairway) => [
  fairway.createFunction(
    { id: "research", concurrency: { limit: 1, key: "event.data.userId" } },
    { event: "app/research" },
    async () => "ok",
  ),
];

describe("limit overrides API", () => {
  it("PUT sets, GET reads one and lists, DELETE removes; the client sees the same overrides", async () => {
    t = testServer(define);
    const put = await t.call("/api/functions/research/limits/user%207", {
      method: "PUT",
      json: { concurrency: 3 },
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      functionId: "research",
      key: "user 7",
      concurrency: { limit: 3 },
    });
    expect(await t.fairway.limits.get("research", "user 7")).toMatchObject({ concurrency: { limit: 3 } });

    expect(await (await t.call("/api/functions/research/limits/user%207")).json()).toMatchObject({
      concurrency: { limit: 3 },
    });
    const listed = (await (await t.call("/api/functions/research/limits")).json()) as {
      overrides: unknown[];
    };
    expect(listed.overrides).toHaveLength(1);
    expect(((await (await t.call("/api/limits")).json()) as { overrides: unknown[] }).overrides).toHaveLength(
      1,
    );

    expect((await t.call("/api/functions/research/limits/user%207", { method: "DELETE" })).status).toBe(204);
    expect((await t.call("/api/functions/research/limits/user%207", { method: "DELETE" })).status).toBe(404);
    expect((await t.call("/api/functions/research/limits/user%207")).status).toBe(404);
  });

  it("a bad value is a 400 naming the field; an unknown function a 404; no signing key a 401", async () => {
    t = testServer(define);
    const bad = await t.call("/api/functions/research/limits/u1", {
      method: "PUT",
      json: { concurrency: -1 },
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("config_invalid");
    expect(body.error.message).toContain("concurrency: must be an integer from 1 to 1000000");
    const notObject = await t.call("/api/functions/research/limits/u1", { method: "PUT", json: [1] });
    expect(notObject.status).toBe(400);
    expect(
      (await t.call("/api/functions/nope/limits/u1", { method: "PUT", json: { concurrency: 2 } })).status,
    ).toBe(404);
    expect((await t.call("/api/functions/nope/limits")).status).toBe(404);
    expect((await t.call("/api/limits", {}, null)).status).toBe(401);
    expect((await t.call("/api/limits", {}, EVENT_KEY)).status).toBe(403);
  });
});
