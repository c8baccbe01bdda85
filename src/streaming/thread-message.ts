/**
 * A thread's message as clients show it (`GET /api/threads/:threadId/messages`, `useAgent`'s `messages`):
 * the user's turns and each agent's answer with its tool calls. Browser-safe (types only).
 *
 * @module
 */

/** One tool call of an assistant message: its input and, once the tool ran, its output (`{ data }` or `{ error }`). */
export interface ThreadToolCall {
  id: string;
  name: string;
  input: unknown;
  output?: unknown;
}

/** One message of a thread. `createdAt` in ms since the epoch. */
export interface ThreadMessage {
  /** Stable id: the user message's id, or the agent result's id. */
  id: string;
  role: "user" | "assistant";
  /** The agent that answered (assistant messages). */
  agentName?: string;
  /** The message's text (text parts joined). */
  text: string;
  toolCalls: ThreadToolCall[];
  createdAt: number;
}

/** A thread of a user, as listed by `GET /api/threads`. Times in ms since the epoch. */
export interface ThreadInfo {
  threadId: string;
  userId: string;
  createdAt: number;
  updatedAt: number;
}
