/**
 * `useAgent`: a React hook for a chat with a served agent or network, in the spirit of AgentKit's
 * `useAgent` and the AI SDK's `useChat`, on `fairway-agents/client`.
 *
 * @module
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { applyChunk } from "../client/apply-chunk.js";
import type { ChatTarget, FairwayClient } from "../client/create-client.js";
import type { AgentMessageChunk } from "../streaming/schema.js";
import type { ThreadMessage } from "../streaming/thread-message.js";

/**
 * `"idle"` (nothing in flight), `"submitted"` (sent, no chunk yet), `"streaming"` (chunks arriving),
 * `"error"` (the last send or stream failed: see `error`).
 */
export type AgentStatus = "idle" | "submitted" | "streaming" | "error";

/** Options of {@link useAgent}: a client, the agent or network, and optionally a thread to continue. */
export type UseAgentOptions = ChatTarget & {
  client: FairwayClient;
  /**
   * The thread to show and continue; its stored messages are loaded (a server without `history` shows
   * none). Changing it switches threads. @default a new thread, created by the first `send`
   */
  threadId?: string;
  /** Called with every chunk received (e.g. to show `hitl.requested` or usage). */
  onChunk?: (chunk: AgentMessageChunk) => void;
};

/** What {@link useAgent} returns. */
export interface UseAgentResult {
  /** The thread's messages: stored ones, the user's sent ones, and answers as they stream. */
  messages: ThreadMessage[];
  status: AgentStatus;
  /** The last failure (ApiError for an error answer, or the run's failure message), else `undefined`. */
  error: Error | undefined;
  /** The thread in use (set by the first `send` of a new thread). */
  threadId: string | undefined;
  /** Sends a user message and streams the answer. Resolves when the answer ended (or failed: see `error`). */
  send(input: string): Promise<void>;
  /**
   * Stops following the answer in flight: a message not sent yet is not sent; one already sent is answered
   * on the server (its run goes on) but no longer shown as it streams.
   */
  stop(): void;
}

/**
 * A chat with a served agent or network on a thread.
 *
 * @example
 * const client = createClient({ baseUrl: "", token });
 * function Chat() {
 *   const { messages, status, send, stop, error } = useAgent({ client, network: "Support Desk" });
 *   // render messages (role, agentName, text, toolCalls), a form calling send(text), a Stop button
 * }
 */
export function useAgent(options: UseAgentOptions): UseAgentResult {
  const { client, onChunk } = options;
  const target: ChatTarget =
    options.agent !== undefined ? { agent: options.agent } : { network: options.network };
  const [messages, setMessages] = useState<ThreadMessage[]>([]);
  const [status, setStatus] = useState<AgentStatus>("idle");
  const [error, setError] = useState<Error | undefined>(undefined);
  const [threadId, setThreadId] = useState<string | undefined>(options.threadId);
  // The send in flight: `stop` (or a newer send, or unmounting) aborts it.
  const active = useRef<AbortController | undefined>(undefined);
  const onChunkRef = useRef(onChunk);
  onChunkRef.current = onChunk;

  // Switching threads: drop what is shown and load the stored messages.
  useEffect(() => {
    setThreadId(options.threadId);
    setMessages([]);
    setError(undefined);
    if (options.threadId === undefined) return;
    let current = true;
    client.getMessages(options.threadId).then(
      (stored) => {
        if (current) setMessages((shown) => merge(stored, shown));
      },
      (caught: unknown) => {
        // A server without thread history answers 404: nothing to load.
        if (current && (caught as { status?: number }).status !== 404) setError(asError(caught));
      },
    );
    return () => {
      current = false;
    };
  }, [client, options.threadId]);

  useEffect(() => () => active.current?.abort(), []);

  const stop = useCallback(() => {
    active.current?.abort();
    active.current = undefined;
    setStatus((now) => (now === "error" ? now : "idle"));
  }, []);

  const agent = target.agent;
  const network = target.network;
  const send = useCallback(
    async (input: string) => {
      active.current?.abort();
      const controller = new AbortController();
      active.current = controller;
      const { signal } = controller;
      setError(undefined);
      setStatus("submitted");
      const pendingId = `pending-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      setMessages((shown) => [
        ...shown,
        { id: pendingId, role: "user", text: input, toolCalls: [], createdAt: Date.now() },
      ]);
      try {
        const sent = await client.sendMessage({
          ...(agent !== undefined ? { agent } : { network: network as string }),
          input,
          signal,
          ...(threadId !== undefined && { threadId }),
        });
        setThreadId(sent.threadId);
        let failure: string | undefined;
        for await (const { chunk } of sent.stream) {
          if (signal.aborted) break;
          setStatus("streaming");
          onChunkRef.current?.(chunk);
          if (chunk.event === "run.failed" && chunk.data.scope !== "agent")
            failure = String(chunk.data.error);
          setMessages((shown) => applyChunk(shown, chunk));
        }
        if (signal.aborted) return;
        active.current = undefined;
        if (failure !== undefined) {
          setError(new Error(failure));
          setStatus("error");
        } else setStatus("idle");
      } catch (caught) {
        if (signal.aborted) return;
        active.current = undefined;
        setError(asError(caught));
        setStatus("error");
      }
    },
    [client, agent, network, threadId],
  );

  return { messages, status, error, threadId, send, stop };
}

/** Stored messages first, then shown ones the store does not have yet (sent or streamed meanwhile). */
function merge(stored: ThreadMessage[], shown: ThreadMessage[]): ThreadMessage[] {
  const known = new Set(stored.map((message) => message.id));
  return [...stored, ...shown.filter((message) => !known.has(message.id))];
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
