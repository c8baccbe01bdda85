/**
 * SSE back-pressure: `STALLED` raw sockets open an SSE stream (`serveSse` over an `EventBuffer` of the
 * server's default capacity, 10,000 events, on a real `@hono/node-server` at 127.0.0.1) and never read;
 * then `EVENTS` events of `BYTES` bytes each are published. Prints heap (after a GC when run with
 * `--expose-gc`) and RSS before, after publishing, and after the clients closed their sockets, and how many
 * stalled connections the server still holds (a reader more than the buffer behind is disconnected; it
 * would resume with `Last-Event-ID`).
 *
 * Loopback sockets absorb tens of MB each in kernel buffers (`net.ipv4.tcp_rmem`), so run events of a
 * few hundred bytes stall a reader only after very many runs: the events here are bigger to get there
 * in seconds.
 *
 * Run: `NODE_OPTIONS=--expose-gc npx tsx bench/sse-stalled.ts` (about 10 s). `STALLED=0` is the baseline.
 */
import { EventBuffer } from "../src/server/event-buffer.js";
import { connections, type Item, serveBuffer, stalledReader } from "../test/server/helpers/sse-stall.js";

const STALLED = Number(process.env.STALLED ?? 20);
const EVENTS = Number(process.env.EVENTS ?? 50_000);
const BYTES = Number(process.env.BYTES ?? 4096);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const memory = () => {
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return `heap ${mb(usage.heapUsed + usage.arrayBuffers)}, rss ${mb(usage.rss)}`;
};
const turn = () => new Promise((resolve) => setImmediate(resolve));

const buffer = new EventBuffer<Item>();
const { server, port } = await serveBuffer(buffer);
const sockets = await Promise.all(Array.from({ length: STALLED }, () => stalledReader(port)));
await turn();
console.log(`SSE back-pressure: ${STALLED} stalled readers, ${EVENTS} events of ${BYTES} bytes`);
console.log(`before:       ${memory()}`);
const text = "x".repeat(BYTES);
for (let n = 0; n < EVENTS; n++) {
  buffer.publish({ n, text });
  if (n % 100 === 99) await turn();
}
await new Promise((resolve) => setTimeout(resolve, 200));
console.log(
  `published:    ${memory()}; stalled connections still open: ${await connections(server)}/${STALLED}`,
);
for (const socket of sockets) socket.destroy();
await new Promise((resolve) => setTimeout(resolve, 500));
console.log(`sockets gone: ${memory()}`);
server.close();
