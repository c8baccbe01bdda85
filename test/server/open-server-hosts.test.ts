import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/index.js";
import { Fairway } from "../../src/fairway.js";
import { createServer, type FairwayServer, type ServerOptions } from "../../src/server/index.js";
import { memoryLogger, SIGNING_KEY } from "./helpers/test-server.js";

const started: FairwayServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

async function listening(options: Partial<ServerOptions>, hostname?: string) {
  const fairway = new Fairway({ id: "hosts", store: "memory", logger: memoryLogger() });
  const server = createServer({ client: fairway, logger: memoryLogger(), ...options });
  started.push(server);
  const address = await new Promise<AddressInfo>((resolve) =>
    hostname === undefined
      ? server.listen(0, () => resolve(server.address() as AddressInfo))
      : server.listen(0, hostname, () => resolve(server.address() as AddressInfo)),
  );
  return { server, address };
}

/** GET `path` on 127.0.0.1:`port` with a raw `Host` header (fetch does not let a caller set it). */
function get(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("an open server (no keys)", () => {
  it("binds 127.0.0.1 unless the caller names a hostname", async () => {
    expect((await listening({ auth: { open: true } })).address.address).toBe("127.0.0.1");
    expect((await listening({ auth: { open: true } }, "0.0.0.0")).address.address).toBe("0.0.0.0");
    // With keys, Node's default: every interface ("::", dual-stack).
    expect((await listening({ auth: { signingKey: SIGNING_KEY } })).address.address).toBe("::");
  });

  it("refuses a request addressed to another host name (DNS rebinding), even with a matching Origin", async () => {
    const { address } = await listening({ auth: { open: true } });
    const evil = await get(address.port, "/api/runs", {
      host: "evil.example",
      origin: "http://evil.example",
    });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toMatchObject({
      error: { code: "forbidden", message: expect.stringContaining('Host "evil.example" refused') },
    });
    for (const host of ["evil.example:80", "localhost.evil.example", "127.0.0.1.nip.io"]) {
      expect((await get(address.port, "/api/health", { host })).status, host).toBe(403);
    }
  });

  it("answers requests addressed to localhost, *.localhost and IP addresses", async () => {
    const { address } = await listening({ auth: { open: true } });
    const port = address.port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      "LOCALHOST",
      "app.localhost",
      `[::1]:${port}`,
      "10.0.0.7",
    ]) {
      expect((await get(port, "/api/runs", { host })).status, host).toBe(200);
    }
  });

  it("answers the host names given in allowedHosts (exact, or a domain with a leading dot)", async () => {
    const { address } = await listening({ auth: { open: true }, allowedHosts: ["app.test", ".example.com"] });
    for (const host of ["app.test", "App.Test:3010", "example.com", "dev.example.com"]) {
      expect((await get(address.port, "/api/health", { host })).status, host).toBe(200);
    }
    for (const host of ["sub.app.test", "badexample.com"]) {
      expect((await get(address.port, "/api/health", { host })).status, host).toBe(403);
    }
  });

  it("rejects an allowedHosts entry that is not a host name with a ConfigError naming it", () => {
    const fairway = new Fairway({ id: "hosts", store: "memory", logger: memoryLogger() });
    expect(() =>
      createServer({ client: fairway, auth: { open: true }, allowedHosts: ["ok.test", "http://x"] }),
    ).toThrow(ConfigError);
    expect(() => createServer({ client: fairway, auth: { open: true }, allowedHosts: ["*"] })).toThrow(
      /allowedHosts\[0\]/,
    );
  });
});

describe("a server with keys", () => {
  it("answers any Host as before (credentials protect it)", async () => {
    const { address } = await listening({ auth: { signingKey: SIGNING_KEY } }, "127.0.0.1");
    const reply = await get(address.port, "/api/runs", {
      host: "evil.example",
      authorization: `Bearer ${SIGNING_KEY}`,
    });
    expect(reply.status).toBe(200);
  });
});
