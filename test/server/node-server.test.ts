import { once } from "node:events";
import { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  t = undefined;
});

/*
 * AgentKit's createServer returns a Node http.Server: code that uses it beyond `listen` keeps working.
 */
describe("createServer returns a Node http.Server", () => {
  it("is an http.Server: listen(port, host, cb), address(), 'listening' and 'request' events", async () => {
    t = testServer((fairway) => [fairway.createFunction({ id: "a" }, { event: "x" }, () => 1)]);
    const { server } = t;
    expect(server).toBeInstanceOf(Server);
    expect(server.listening).toBe(false);
    const requests: string[] = [];
    server.on("request", (request: { url?: string }) => requests.push(request.url ?? ""));
    const listening = once(server, "listening");
    let calledBack = false;
    server.listen(0, "127.0.0.1", () => {
      calledBack = true;
    });
    await listening;
    expect(calledBack).toBe(true);
    const address = server.address() as AddressInfo;
    expect(address).toMatchObject({ address: "127.0.0.1", family: "IPv4" });
    expect(address.port).toBeGreaterThan(0);
    const response = await fetch(`http://127.0.0.1:${address.port}/api/health`);
    expect(response.status).toBe(200);
    expect(requests).toEqual(["/api/health"]);
  });

  it("close(callback) stops like Node's (callback, 'close' event, returns the server) and closes the client", async () => {
    t = testServer();
    const { server, fairway } = t;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const closeEvent = once(server, "close");
    const error = await new Promise<Error | undefined>((resolve) => {
      expect(server.close(resolve)).toBe(server);
    });
    expect(error).toBeUndefined();
    await closeEvent;
    expect(server.listening).toBe(false);
    await expect(fairway.send({ name: "x" })).rejects.toThrow(/closed/);
    // Idempotent: a second close (callback or promise form) resolves too.
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    await expect(server.close()).resolves.toBeUndefined();
  });

  it("reports a taken port through the 'error' event, as Node does", async () => {
    t = testServer();
    const other = new Server();
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const { port } = other.address() as AddressInfo;
    const failed = once(t.server, "error");
    t.server.listen(port, "127.0.0.1");
    const [error] = (await failed) as [NodeJS.ErrnoException];
    expect(error.code).toBe("EADDRINUSE");
    await new Promise((resolve) => other.close(resolve));
  });
});
