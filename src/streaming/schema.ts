/**
 * The agent event stream's wire schema: AgentKit's chunk shape and event names. Browser-safe (imports
 * only zod), so a UI can validate chunks it receives over SSE.
 *
 * A chunk is `{ event, data, timestamp, sequenceNumber, id }`: `timestamp` in ms since epoch,
 * `sequenceNumber` strictly increasing within one network (or standalone agent) run, `id` unique and
 * stable across replays of a durable run (clients drop chunks whose id they have seen).
 *
 * @module
 */
import { z } from "zod";

/** Every event name the stream may carry (AgentKit's `StreamingEvent` union). */
export const streamingEventNames = [
  "run.started",
  "run.completed",
  "run.failed",
  "run.interrupted",
  "step.started",
  "step.completed",
  "step.failed",
  "part.created",
  "part.completed",
  "part.failed",
  "text.delta",
  "tool_call.arguments.delta",
  "tool_call.output.delta",
  "reasoning.delta",
  "data.delta",
  "hitl.requested",
  "hitl.resolved",
  "usage.updated",
  "metadata.updated",
  "stream.ended",
  "error",
] as const;

/** One of `streamingEventNames`. */
export type StreamingEventName = (typeof streamingEventNames)[number];

/** The kind of a message part. */
export type PartType = "text" | "tool-call" | "tool-output" | "reasoning" | "data" | "file" | "refusal";

/** Fields every event's `data` carries when known: the thread and the tenant (from `state.data.userId`). */
export interface ChunkScopeFields {
  threadId?: string;
  userId?: string;
}

/** `run.started`: a network run (`scope: "network"`) or one agent call in it (`parentRunId` = the network run). */
export interface RunStartedData extends ChunkScopeFields {
  runId: string;
  parentRunId?: string;
  scope: "network" | "agent";
  name: string;
  messageId?: string;
}

/** `run.completed`: `result` is the agent's `AgentResult.export()` (agent scope only). */
export interface RunCompletedData extends ChunkScopeFields {
  runId: string;
  scope: "network" | "agent";
  name: string;
  messageId?: string;
  result?: unknown;
}

/** `run.failed`: `error` is the message; `recoverable` is always false (the run or call is over). */
export interface RunFailedData extends RunCompletedData {
  error: string;
  recoverable: boolean;
}

/** `part.created`: a message part opens; `metadata` names the agent and, for tool parts, the tool and call id. */
export interface PartCreatedData extends ChunkScopeFields {
  partId: string;
  runId: string;
  messageId: string;
  type: PartType;
  metadata?: { toolName?: string; agentName?: string; [key: string]: unknown };
}

/** `part.completed`: `finalContent` is the whole text, the call's input, or the tool's `{ data }`/`{ error }`. */
export interface PartCompletedData extends PartCreatedData {
  finalContent: unknown;
}

/** `part.failed`: the model call streaming this part failed (`error` is its message). */
export interface PartFailedData extends PartCreatedData {
  error: string;
}

/** `text.delta`, `tool_call.arguments.delta`, `tool_call.output.delta`: the next piece of a part. */
export interface DeltaData extends ChunkScopeFields {
  partId: string;
  messageId: string;
  delta: string;
  toolName?: string;
}

/** `stream.ended`: the last chunk of a network run or standalone agent run. */
export interface StreamEndedData extends ChunkScopeFields {
  scope: "network" | "agent";
  messageId?: string;
}

/** `data` by event name, for the events Fairway emits. */
export interface StreamingEventData {
  "run.started": RunStartedData;
  "run.completed": RunCompletedData;
  "run.failed": RunFailedData;
  "part.created": PartCreatedData;
  "part.completed": PartCompletedData;
  "part.failed": PartFailedData;
  "text.delta": DeltaData;
  "tool_call.arguments.delta": DeltaData;
  "tool_call.output.delta": DeltaData;
  "stream.ended": StreamEndedData;
}

/** Validates one chunk as received by a client. */
export const AgentMessageChunkSchema = z.object({
  event: z.string(),
  data: z.record(z.string(), z.unknown()),
  timestamp: z.number(),
  sequenceNumber: z.number().int().nonnegative(),
  id: z.string(),
});

/** One chunk of the agent event stream. */
export type AgentMessageChunk = z.infer<typeof AgentMessageChunkSchema>;

/** True when `chunk` carries event `name`; narrows `chunk.data` to that event's data. */
export function isEventType<E extends keyof StreamingEventData>(
  chunk: AgentMessageChunk,
  name: E,
): chunk is AgentMessageChunk & { event: E; data: StreamingEventData[E] & Record<string, unknown> } {
  return chunk.event === name;
}
