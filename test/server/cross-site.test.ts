import { afterEach, describe, expect, it } from "vitest";
import type { Fairway } from "../../src/fairway.js";
import { type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  t = undefined;
});

function define(fairway: Fairway) {
  return [fairway.createFunction({ id: "noop" }, { event: "app/noop" }, async () => "done")];
}

/** An open (dev-mode) server: no credential protects it, so a browser's cross-site request is the threat. */
function openServer(): TestServer {
  return testServer(define, { auth: { open: true } });
}

const post = (path: string, headers: Record<string, string>, body?: string) =>
  t!.call(path, { method: "POST", headers, ...(body !== undefined && { body }) }, null);

describe("cross-site requests (a web page the developer visits posting to `fairway dev`)", () => {
  it("cannot send events: a text/plain form or no-cors fetch from another origin gets 403 and stores nothing", async () => {
    t = openServer();
    const evil = { origin: "https://evil.example", "content-type": "text/plain" };
    const viaApi = await post("/api/events", evil, '{"name":"app/noop"}');
    expect(viaApi.status).toBe(403);
    expect(await viaApi.json()).toMatchObject({
      error: {
        code: "forbidden",
        message: expect.stringMatching(/cross-site request.*https:\/\/evil\.example/i),
      },
    });
    const viaInngest = await post("/e/anything", evil, '{"name":"app/noop"}');
    expect(viaInngest.status).toBe(403);
    const fetchMetadata = await post(
      "/api/events",
      { "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      '{"name":"app/noop"}',
    );
    expect(fetchMetadata.status).toBe(403);
    const sandboxed = await post("/api/events", { origin: "null" }, '{"name":"app/noop"}');
    expect(sandboxed.status).toBe(403);
    expect((await t.fairway.listRuns()).runs).toHaveLength(0);
  });

  it("cannot cancel or rerun runs", async () => {
    t = openServer();
    await post("/api/events", {}, '{"name":"app/noop"}');
    await expect.poll(async () => (await t!.fairway.listRuns()).runs[0]?.status).toBe("completed");
    const runId = (await t.fairway.listRuns()).runs[0]!.id;
    for (const action of ["cancel", "rerun"]) {
      const response = await post(`/api/runs/${runId}/${action}`, { "sec-fetch-site": "same-site" });
      expect(response.status).toBe(403);
    }
    expect((await t.fairway.listRuns()).runs).toHaveLength(1);
  });

  it("still lets through the dashboard's own requests and non-browser clients (curl, the CLI)", async () => {
    t = openServer();
    const sameOrigin = await post(
      "/api/events",
      { "sec-fetch-site": "same-origin", origin: "http://localhost", "content-type": "application/json" },
      '{"name":"app/noop"}',
    );
    expect(sameOrigin.status).toBe(200);
    const originMatchesHost = await post(
      "/api/events",
      { origin: "http://localhost" },
      '{"name":"app/noop"}',
    );
    expect(originMatchesHost.status).toBe(200);
    const noBrowser = await post(
      "/api/events",
      { "content-type": "application/json" },
      '{"name":"app/noop"}',
    );
    expect(noBrowser.status).toBe(200);
    const read = await t.call("/api/runs", { headers: { "sec-fetch-site": "cross-site" } }, null);
    expect(read.status).toBe(200);
  });
});

describe("the dashboard page", () => {
  it("may not be framed by another site and loads only its own scripts", async () => {
    t = openServer();
    for (const path of ["/", "/assets/app.js"]) {
      const response = await t.call(path, {}, null);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toMatch(
        /default-src 'self'.*frame-ancestors 'none'/,
      );
    }
  });
});
