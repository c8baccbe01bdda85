import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { EVENT_KEY, type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  t = undefined;
});

/** Answer to a raw HTTP request: status and parsed JSON body. */
interface Reply {
  status: number;
  body: { ids?: string[]; error?: { code: string; message: string } };
}

/**
 * POSTs `chunks` to `/api/events` over a real socket: with `Content-Length` when `declared` is given,
 * else chunked (`Transfer-Encoding: chunked`, each chunk written separately).
 */
function post(port: number, chunks: string[], declared?: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${EVENT_KEY}`,
      "content-type": "application/json",
    };
    if (declared !== undefined) headers["content-length"] = declared;
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/api/events", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    // The server may answer 413 and close before the whole body is written.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

async function listening(maxBodyBytes: number): Promise<{ port: number; server: TestServer }> {
  t = testServer((fairway) => [fairway.createFunction({ id: "f" }, { event: "a" }, () => 1)], {
    maxBodyBytes,
  });
  await new Promise<void>((resolve) => t!.server.listen(0, "127.0.0.1", resolve));
  return { port: (t.server.address() as AddressInfo).port, server: t };
}

/*
 * Through Node's HTTP server a declared Content-Length is checked from Node's headers; a chunked body is
 * counted as it arrives (Hono's bodyLimit). Both answer the same 413 and accept what fits.
 */
describe("request body limit over a real socket", () => {
  const event = JSON.stringify({ name: "a", data: { x: "y".repeat(2000) } });

  it("refuses a declared Content-Length over maxBodyBytes with the 413 LimitError", async () => {
    const { port, server } = await listening(1024);
    const reply = await post(port, [event], Buffer.byteLength(event));
    expect(reply.status).toBe(413);
    expect(reply.body.error).toMatchObject({
      code: "limit_exceeded",
      message: expect.stringMatching(/request body/),
    });
    expect(reply.body.error?.message).toMatch(/Send fewer events per request/);
    expect((await server.fairway.listRuns()).runs).toHaveLength(0);
  });

  it("refuses a chunked body once it counts past maxBodyBytes", async () => {
    const { port, server } = await listening(1024);
    const reply = await post(port, [event.slice(0, 1000), event.slice(1000)]);
    expect(reply.status).toBe(413);
    expect(reply.body.error).toMatchObject({ code: "limit_exceeded" });
    expect(reply.body.error?.message).toMatch(/Counted up to the limit/);
    expect((await server.fairway.listRuns()).runs).toHaveLength(0);
  });

  it("accepts bodies within the limit, declared or chunked", async () => {
    const { port, server } = await listening(4096);
    const declared = await post(port, [event], Buffer.byteLength(event));
    const chunked = await post(port, [event.slice(0, 1000), event.slice(1000)]);
    expect([declared.status, chunked.status]).toEqual([200, 200]);
    expect(declared.body.ids).toHaveLength(1);
    expect(chunked.body.ids).toHaveLength(1);
    expect((await server.fairway.listRuns()).runs).toHaveLength(2);
  });
});
