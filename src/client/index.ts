/**
 * `fairway-agents/client`: a framework-free client of a Fairway server's chat API (browsers and Node ≥ 20):
 * send messages to served agents and networks, follow their agent events with `Last-Event-ID` resume,
 * list a user's threads and read a thread. Tenant tokens scope it to one user.
 *
 * @module
 */
export { ApiError } from "../errors/api-error.js";
export {
  type AgentMessageChunk,
  AgentMessageChunkSchema,
  isEventType,
  type StreamingEventData,
} from "../streaming/schema.js";
export type { ThreadInfo, ThreadMessage, ThreadToolCall } from "../streaming/thread-message.js";
export { applyChunk } from "./apply-chunk.js";
export {
  type ChatTarget,
  type ClientOptions,
  createClient,
  type FairwayClient,
  type SendMessageOptions,
} from "./create-client.js";
export type { StreamConnector, ThreadStream, ThreadStreamEvent } from "./thread-stream.js";
