import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { EventBuffer } from "../../src/server/event-buffer.js";
import { connections, type Item, type NodeServer, serveBuffer, stalledReader } from "./helpers/sse-stall.js";

const CAPACITY = 200;
/** One shared 8 KB payload: what the test allocates stays constant whatever the server keeps. */
const PAYLOAD = "x".repeat(8 * 1024);

const servers: NodeServer[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function start(buffer: EventBuffer<Item>): Promise<number> {
  const { server, port } = await serveBuffer(buffer);
  servers.push(server);
  return port;
}

/** Publishes `count` events, yielding to the event loop every 100 so the server writes what it can. */
async function publish(buffer: EventBuffer<Item>, count: number, from = 0) {
  for (let n = from; n < from + count; n++) {
    buffer.publish({ n, text: PAYLOAD });
    // Turn-counting on purpose: a producer that yields a turn every 100 events, so the server's socket
    // writes interleave with publishing as in a live app; the test then awaits connection state.
    if (n % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("SSE back-pressure", () => {
  it("disconnects readers that stop reading instead of growing the server; memory stays bounded", async () => {
    const buffer = new EventBuffer<Item>(CAPACITY);
    const port = await start(buffer);
    const server = servers[0] as NodeServer;
    sockets.push(...(await Promise.all(Array.from({ length: 20 }, () => stalledReader(port)))));
    await expect.poll(() => connections(server)).toBe(20);
    await publish(buffer, 100);
    const before = process.memoryUsage();
    // 20 readers × 20,000 events × 8 KB: 3.2 GB if anything per event were kept per reader.
    await publish(buffer, 20_000, 100);
    const after = process.memoryUsage();
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(24 * 1024 * 1024);
    await expect.poll(() => connections(server), { timeout: 5000 }).toBe(0);
  });

  it("a reader that keeps up gets every event in order, though the buffer holds fewer", async () => {
    const buffer = new EventBuffer<Item>(CAPACITY);
    const port = await start(buffer);
    const response = await fetch(`http://127.0.0.1:${port}/stream`);
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const reading = (async () => {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        text += decoder.decode(chunk.value, { stream: true });
      }
    })();
    // Never more than half the buffer ahead of the reader: it keeps up, whatever the machine's load.
    for (let from = 0; from < 2000; from += 100) {
      await publish(buffer, 100, from);
      await expect.poll(() => text.includes(`id: ${from + 100}\n`), { timeout: 10_000 }).toBe(true);
    }
    buffer.publish({ n: -1, text: "" });
    await reading;
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(ids.slice(0, 2000)).toEqual(Array.from({ length: 2000 }, (_, index) => index + 1));
    expect(text).toContain("event: stream.ended");
  });
});
