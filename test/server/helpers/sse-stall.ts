import { connect, type Socket } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { EventBuffer } from "../../../src/server/event-buffer.js";
import { serveSse } from "../../../src/server/sse.js";

/** What the SSE back-pressure test and bench publish: `n < 0` ends the stream. */
export interface Item {
  n: number;
  text: string;
}

export type NodeServer = ReturnType<typeof serve>;

/** Serves `buffer` as SSE at `GET /stream` on a real Node server on 127.0.0.1 (any free port). */
export function serveBuffer(buffer: EventBuffer<Item>): Promise<{ server: NodeServer; port: number }> {
  const app = new Hono();
  app.get("/stream", (c) =>
    serveSse(c, {
      buffer,
      // A stream that fails fails the test (an unhandled rejection).
      onError: (error) => {
        throw error;
      },
      filter: () => true,
      toMessage: (item) => ({ event: "item", data: item }),
      isEnd: (item) => item.n < 0,
    }),
  );
  return new Promise((resolve) => {
    const server: NodeServer = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve({ server, port: info.port }),
    );
  });
}

/** A raw socket that requests `/stream` and then reads nothing (paused, so the kernel buffers fill). */
export function stalledReader(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      socket.pause();
      resolve(socket);
    });
    socket.on("error", () => {});
  });
}

/** The connections `server` holds open now. */
export function connections(server: NodeServer): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}
