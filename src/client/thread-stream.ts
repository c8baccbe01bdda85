/**
 * `ThreadStream`: one thread's agent events (`GET /api/threads/:threadId/stream`), resumed with
 * `Last-Event-ID` after a dropped connection, until the run's `stream.ended`.
 *
 * @module
 */
import { type AgentMessageChunk, AgentMessageChunkSchema } from "../streaming/schema.js";
import { readSse } from "./read-sse.js";

/** A chunk with the SSE id to resume after it (`lastEventId`). */
export interface ThreadStreamEvent {
  eventId: string | undefined;
  chunk: AgentMessageChunk;
}

/** How a stream (re)connects. */
export interface StreamConnector {
  /** Opens the stream, resuming after `lastEventId`. Rejects with ApiError for an error answer. */
  connect(lastEventId: string | undefined, signal: AbortSignal): Promise<Response>;
  /** Reconnects allowed in a row without receiving anything. */
  maxReconnects: number;
  /** Wait before reconnect n (1-based), ms. */
  delayMs(attempt: number): number;
}

/**
 * An open thread stream: iterate it (once) for the thread's chunks; it ends after `stream.ended`, on
 * `close()`, or by throwing when the connection cannot be restored (`maxReconnects` failures in a row,
 * or an error answer such as an expired token's 401).
 */
export class ThreadStream implements AsyncIterable<ThreadStreamEvent> {
  /** The SSE id of the last message received: pass it as `lastEventId` to resume later. */
  lastEventId: string | undefined;
  readonly #connector: StreamConnector;
  readonly #abort = new AbortController();
  #response: Response | undefined;

  private constructor(connector: StreamConnector, lastEventId: string | undefined) {
    this.#connector = connector;
    this.lastEventId = lastEventId;
  }

  /** Connects (the server is then following the thread) and returns the stream. */
  static async open(
    connector: StreamConnector,
    lastEventId?: string,
    signal?: AbortSignal,
  ): Promise<ThreadStream> {
    const stream = new ThreadStream(connector, lastEventId);
    if (signal?.aborted) stream.close();
    else signal?.addEventListener("abort", () => stream.close(), { once: true });
    stream.#response = await connector.connect(lastEventId, stream.#abort.signal);
    return stream;
  }

  /** Stops following the thread (the run itself goes on). */
  close(): void {
    this.#abort.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ThreadStreamEvent> {
    const signal = this.#abort.signal;
    let failures = 0;
    let response = this.#response;
    this.#response = undefined;
    try {
      while (!signal.aborted) {
        if (!response) {
          failures++;
          if (failures > this.#connector.maxReconnects) {
            throw new Error(`thread stream: the connection was lost ${failures} times in a row; giving up`);
          }
          await delay(this.#connector.delayMs(failures), signal);
          if (signal.aborted) return;
          response = await this.#connector.connect(this.lastEventId, signal).catch((error: unknown) => {
            if (isNetworkError(error) || signal.aborted) return undefined;
            throw error;
          });
          if (!response) continue;
        }
        try {
          for await (const message of readSse(response, signal)) {
            failures = 0;
            if (message.id) this.lastEventId = message.id;
            // The server's own end marker (`{}`) follows a run's end, or is the run's `stream.ended` chunk.
            const chunk = parseChunk(message.data);
            if (chunk) yield { eventId: this.lastEventId, chunk };
            if (message.event === "stream.ended") return;
          }
        } catch (error) {
          if (!isNetworkError(error) && !signal.aborted) throw error;
        }
        response = undefined;
      }
    } finally {
      this.close();
    }
  }
}

/** A chunk from SSE data, or `undefined` for data that is not one (skipped, never a crash). */
function parseChunk(data: string): AgentMessageChunk | undefined {
  try {
    const parsed = AgentMessageChunkSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** fetch rejects with a TypeError when the network fails; a body read fails with one too. */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && error.name === "AbortError");
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
