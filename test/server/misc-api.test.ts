import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Fairway } from "../../src/fairway.js";
import { createServer, verifyTenantToken } from "../../src/server/index.js";
import { EVENT_KEY, memoryLogger, SIGNING_KEY, type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer;
afterEach(() => t?.server.close());

describe("health, functions, tokens, dashboard", () => {
  it("reports health without credentials and without data", async () => {
    t = testServer((fairway) => [fairway.createFunction({ id: "a" }, { event: "x" }, () => 1)]);
    const response = await t.call("/api/health", {}, null);
    expect(await response.json()).toEqual({ status: "ok", auth: "keys", functions: 1 });
    expect(response.headers.get("x-fairway-auth")).toBeNull();
  });

  it("answers 503 client_closed, naming the call, once the client is closed (a server shutting down)", async () => {
    t = testServer((fairway) => [fairway.createFunction({ id: "a" }, { event: "x" }, () => 1)]);
    await t.fairway.close();
    const response = await t.call("/api/runs");
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatchObject({
      code: "client_closed",
      message: expect.stringMatching(/^listRuns\(\) was called after close\(\)/),
    });
  });

  it("lists functions with triggers, retries and flow-control config", async () => {
    t = testServer((fairway) => [
      fairway.createFunction(
        { id: "a", name: "Alpha", retries: 2 },
        [{ event: "x", if: "event.data.ok == true" }, { cron: "0 * * * *" }],
        () => 1,
      ),
    ]);
    const body = await (await t.call("/api/functions")).json();
    expect(body).toEqual({
      functions: [
        {
          id: "a",
          name: "Alpha",
          triggers: [{ event: "x", if: "event.data.ok == true" }, { cron: "0 * * * *" }],
          retries: 2,
          flowControl: {},
        },
      ],
    });
  });

  it("issues tenant tokens to the signing key only, and checks the request", async () => {
    t = testServer();
    const response = await t.call("/api/tokens", { method: "POST", json: { userId: "u7", expiresIn: "5m" } });
    const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: number };
    expect(verifyTenantToken(token, SIGNING_KEY)).toEqual({ userId: "u7", exp: expiresAt });
    expect((await t.call("/api/tokens", { method: "POST", json: { userId: "u7" } }, EVENT_KEY)).status).toBe(
      403,
    );
    const tooLong = await t.call("/api/tokens", { method: "POST", json: { userId: "u7", expiresIn: "3d" } });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({
      error: { code: "config_invalid", message: expect.stringMatching(/^expiresIn/) },
    });
    const noUser = await t.call("/api/tokens", { method: "POST", json: {} });
    expect(await noUser.json()).toMatchObject({ error: { issues: [{ path: "userId" }] } });
  });

  it("serves the dashboard page and its modules, and 404s other asset names", async () => {
    t = testServer();
    const page = await t.call("/", {}, null);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/assets/app.js">');
    for (const file of ["app.js", "api.js", "runs.js", "timeline.js", "panels.js", "dom.js"]) {
      const asset = await t.call(`/assets/${file}`, {}, null);
      expect(asset.status, file).toBe(200);
      expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
    }
    expect((await t.call("/assets/style.css", {}, null)).headers.get("content-type")).toMatch(/^text\/css/);
    expect((await t.call("/assets/..%2Fcreate-server.ts", {}, null)).status).toBe(404);
    expect((await t.call("/assets/secret.js", {}, null)).status).toBe(404);
  });

  it("runs open when no key is configured, and says so in the log and a header", async () => {
    const logger = memoryLogger();
    const fairway = new Fairway({ id: "open-app", store: "memory", logger });
    const server = createServer({ client: fairway, logger, auth: {} });
    try {
      const response = await server.app.request("/api/runs");
      expect(response.status).toBe(200);
      expect(response.headers.get("x-fairway-auth")).toBe("open");
      expect(logger.lines.join("\n")).toMatch(/auth is OPEN/);
      expect(await (await server.app.request("/api/health")).json()).toMatchObject({ auth: "open" });
    } finally {
      await server.close();
    }
  });

  it("the default logger prints the open-auth warning as one line: one prefix, no trailing space", async () => {
    const printed: unknown[][] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      printed.push(args);
    });
    const fairway = new Fairway({ id: "open-default-logger", store: "memory" });
    const server = createServer({ client: fairway, auth: {} });
    try {
      const line = printed.find((args) => String(args[0]).includes("auth is OPEN"));
      expect(line).toHaveLength(1);
      expect(line?.[0]).toMatch(/^\[fairway\] server auth is OPEN \(development: keys are not checked\)/);
      expect(String(line?.[0])).not.toMatch(/^\[fairway\] fairway|\s$/);
    } finally {
      spy.mockRestore();
      await server.close();
    }
  });

  it("finds the client from the functions, as in createServer({ functions: [fn] })", async () => {
    const fairway = new Fairway({ id: "implicit", store: "memory" });
    const fn = fairway.createFunction({ id: "f" }, { event: "x" }, () => 1);
    const server = createServer({ functions: [fn], auth: { signingKey: SIGNING_KEY } });
    try {
      expect(server.client).toBe(fairway);
      const other = new Fairway({ id: "other", store: "memory" });
      const g = other.createFunction({ id: "g" }, { event: "x" }, () => 1);
      expect(() => createServer({ functions: [fn, g], auth: { signingKey: SIGNING_KEY } })).toThrow(
        /more than one/,
      );
    } finally {
      await server.close();
    }
  });

  it("refuses functions of another client, naming the option", () => {
    const mine = new Fairway({ id: "mine", store: "memory" });
    const other = new Fairway({ id: "other", store: "memory" });
    const fn = other.createFunction({ id: "f" }, { event: "x" }, () => 1);
    expect(() => createServer({ client: mine, functions: [fn], auth: { signingKey: SIGNING_KEY } })).toThrow(
      /functions\[0\]/,
    );
  });

  it("listens on a real port and closes gracefully", async () => {
    t = testServer((fairway) => [fairway.createFunction({ id: "a" }, { event: "x" }, () => 1)]);
    const address = await new Promise<{ port: number }>((resolve) =>
      t.server.listen(0, "127.0.0.1", () => resolve(t.server.address() as AddressInfo)),
    );
    const response = await fetch(`http://127.0.0.1:${address.port}/api/health`);
    expect(response.status).toBe(200);
    const stream = await fetch(`http://127.0.0.1:${address.port}/api/stream`, {
      headers: { authorization: `Bearer ${SIGNING_KEY}` },
    });
    expect(stream.status).toBe(200);
    await t.server.close();
    await expect(fetch(`http://127.0.0.1:${address.port}/api/health`)).rejects.toThrow();
  });
});
