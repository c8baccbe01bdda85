import type { AgentMessageChunk } from "../streaming/schema.js";
import { EventBuffer } from "./event-buffer.js";

/**
 * Where agent events of every thread meet the SSE endpoint `GET /api/threads/:threadId/stream`:
 * pass {@link ThreadStreams.publish} as `streaming.publish` to `network.run` / `agent.run`.
 * Chunks are routed by `data.threadId` and shown to a tenant only when `data.userId` is theirs.
 * Keeps the latest `capacity` chunks (all threads together) for clients resuming with `Last-Event-ID`.
 *
 * @example
 * const streams = new ThreadStreams();
 * const fn = fairway.createFunction({ id: "chat" }, { event: "chat/message" }, ({ event }) =>
 *   network.run(event.data.input, { streaming: { publish: streams.publish } }));
 * createServer({ client: fairway, functions: [fn], streams });
 */
export class ThreadStreams {
  readonly buffer: EventBuffer<AgentMessageChunk>;

  /** @param capacity chunks kept for replay. @default 50000 */
  constructor(capacity = 50_000) {
    this.buffer = new EventBuffer(capacity);
  }

  /** Accepts one chunk (bound: safe to pass around as a function). */
  readonly publish = (chunk: AgentMessageChunk): void => {
    this.buffer.publish(chunk);
  };
}
