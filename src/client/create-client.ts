/**
 * `createClient`: a framework-free client of a Fairway server's chat API — send a message to a served
 * agent or network on a thread, follow its agent events, list a user's threads and read a thread.
 *
 * @module
 */
import { ApiError } from "../errors/api-error.js";
import type { ThreadInfo, ThreadMessage } from "../streaming/thread-message.js";
import { ThreadStream } from "./thread-stream.js";

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The server's URL, e.g. `"http://localhost:3010"`. @default `""`: the page's own origin */
  baseUrl?: string;
  /**
   * Credential sent as `Authorization: Bearer …`: a tenant token (`createTenantToken`, acts for its own
   * user) or, server-side, the signing key. A function is called before every request (token refresh).
   * @default none (a server in open dev mode)
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** The user to act for with the signing key or on an open dev server (tenant tokens carry their own). */
  userId?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Reconnects in a row without receiving anything before a stream gives up. @default 10 */
  maxReconnects?: number;
  /** First reconnect delay, ms; doubles up to 5 s. @default 250 */
  reconnectDelayMs?: number;
}

/** Who answers a message: a served agent or network, by name or slug. */
export type ChatTarget = { agent: string; network?: never } | { network: string; agent?: never };

/** Options of {@link FairwayClient.sendMessage}. */
export type SendMessageOptions = ChatTarget & {
  /** The user message. */
  input: string;
  /** The thread. @default a new UUID (a new thread) */
  threadId?: string;
  /** Stops following the answer (the run itself goes on). */
  signal?: AbortSignal;
};

/** A chat client. Every method throws ApiError (status, code, issues) when the server answers an error. */
export interface FairwayClient {
  /**
   * Opens the thread's stream, then sends the message: iterate `stream` for the answer's chunks (text
   * deltas, tool calls and results, run status) up to `stream.ended`; dropped connections resume with
   * `Last-Event-ID`.
   */
  sendMessage(
    options: SendMessageOptions,
  ): Promise<{ threadId: string; eventId: string; stream: ThreadStream }>;
  /** Follows a thread (e.g. after a page reload, with the last `lastEventId` seen). */
  streamThread(
    threadId: string,
    options?: { lastEventId?: string; signal?: AbortSignal },
  ): Promise<ThreadStream>;
  /** The user's threads, most recently updated first. `limit` 1–500. @default limit 50 */
  listThreads(options?: { limit?: number }): Promise<ThreadInfo[]>;
  /** A thread's stored messages, oldest first (none for an unknown thread). */
  getMessages(threadId: string): Promise<ThreadMessage[]>;
}

/**
 * A client of a Fairway server (`createServer` with `agents`/`networks`, and `history` for threads).
 *
 * @example
 * const client = createClient({ baseUrl: "http://localhost:3010", token: tenantToken });
 * const { stream } = await client.sendMessage({ network: "Support Desk", input: "Where is my order?" });
 * for await (const { chunk } of stream) if (chunk.event === "text.delta") process.stdout.write(chunk.data.delta as string);
 */
export function createClient(options: ClientOptions = {}): FairwayClient {
  const baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const firstDelay = options.reconnectDelayMs ?? 250;

  const headers = async (extra: Record<string, string> = {}): Promise<Headers> => {
    const result = new Headers(extra);
    const token = typeof options.token === "function" ? await options.token() : options.token;
    if (token) result.set("authorization", `Bearer ${token}`);
    return result;
  };
  const url = (path: string, query: Record<string, string | undefined> = {}) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, value);
    const text = search.toString();
    return `${baseUrl}${path}${text ? `?${text}` : ""}`;
  };
  const request = async <T>(path: string, init: RequestInit = {}, query = {}): Promise<T> => {
    const response = await doFetch(url(path, query), init);
    if (!response.ok) throw await apiError(response);
    return (await response.json()) as T;
  };
  const threadPath = (threadId: string) => `/api/threads/${encodeURIComponent(threadId)}`;

  const streamThread: FairwayClient["streamThread"] = (threadId, streamOptions = {}) =>
    ThreadStream.open(
      {
        maxReconnects: options.maxReconnects ?? 10,
        delayMs: (attempt) => Math.min(5000, firstDelay * 2 ** (attempt - 1)),
        async connect(lastEventId, signal) {
          const extra: Record<string, string> = { accept: "text/event-stream" };
          if (lastEventId !== undefined) extra["last-event-id"] = lastEventId;
          const response = await doFetch(url(`${threadPath(threadId)}/stream`), {
            headers: await headers(extra),
            signal,
          });
          if (!response.ok) throw await apiError(response);
          return response;
        },
      },
      streamOptions.lastEventId,
      streamOptions.signal,
    );

  return {
    streamThread,
    async sendMessage(message) {
      const threadId = message.threadId ?? crypto.randomUUID();
      const stream = await streamThread(threadId, message.signal ? { signal: message.signal } : {});
      try {
        const body = {
          input: message.input,
          ...(message.agent !== undefined ? { agent: message.agent } : { network: message.network }),
          ...(options.userId !== undefined && { userId: options.userId }),
        };
        const sent = await request<{ eventId: string }>(`${threadPath(threadId)}/messages`, {
          method: "POST",
          headers: await headers({ "content-type": "application/json" }),
          body: JSON.stringify(body),
        });
        return { threadId, eventId: sent.eventId, stream };
      } catch (error) {
        stream.close();
        throw error;
      }
    },
    async listThreads(listOptions = {}) {
      const query = { userId: options.userId, limit: listOptions.limit?.toString() };
      const { threads } = await request<{ threads: ThreadInfo[] }>(
        "/api/threads",
        { headers: await headers() },
        query,
      );
      return threads;
    },
    async getMessages(threadId) {
      const { messages } = await request<{ messages: ThreadMessage[] }>(
        `${threadPath(threadId)}/messages`,
        { headers: await headers() },
        { userId: options.userId },
      );
      return messages;
    },
  };
}

/** The server's `{ error: { code, message, issues } }` answer as an ApiError. */
async function apiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  try {
    const { error } = JSON.parse(text) as {
      error?: { code?: string; message?: string; issues?: { path: string; message: string }[] };
    };
    if (error?.code && error.message)
      return new ApiError(response.status, error.code, error.message, error.issues);
  } catch {
    // not JSON: described below
  }
  return new ApiError(response.status, "http_error", text.slice(0, 200) || response.statusText);
}
