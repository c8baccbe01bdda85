/**
 * The agent event stream's schema, for browsers and servers: chunk validation, event names and payload
 * types. Browser-safe (no Node imports).
 *
 * @module
 */
export {
  type AgentMessageChunk,
  AgentMessageChunkSchema,
  type ChunkScopeFields,
  type DeltaData,
  isEventType,
  type PartCompletedData,
  type PartCreatedData,
  type PartFailedData,
  type PartType,
  type RunCompletedData,
  type RunFailedData,
  type RunStartedData,
  type StreamEndedData,
  type StreamingEventData,
  type StreamingEventName,
  streamingEventNames,
} from "./schema.js";
export type { ThreadInfo, ThreadMessage, ThreadToolCall } from "./thread-message.js";
