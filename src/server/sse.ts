import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { BufferedEvent, EventBuffer } from "./event-buffer.js";

/** One SSE message before encoding: `data` is sent as JSON. */
export interface SseMessage {
  event: string;
  data: unknown;
}

/** What {@link serveSse} streams: a filtered view of an {@link EventBuffer}. */
export interface SseFeed<T> {
  buffer: EventBuffer<T>;
  /** Which buffered events belong to this stream (may read the store: applied in order, one at a time). */
  filter: (value: T) => boolean | Promise<boolean>;
  toMessage: (value: T) => SseMessage;
  /** True for the event after which the stream is over; a `stream.ended` message follows it unless it is one. */
  isEnd: (value: T) => boolean;
  /**
   * The current state as messages, sent on a fresh connection and when a `Last-Event-ID` is older than
   * the buffer. `ended: true` closes the stream right after (the thing streamed is already over).
   */
  snapshot?: () => Promise<{ messages: SseMessage[]; ended: boolean }>;
  /** Ends the stream (without `stream.ended`) when aborted: the server is shutting down. */
  signal?: AbortSignal;
  /**
   * Ends the stream (without `stream.ended`) at this time, ms since the epoch: when the tenant token that
   * opened it expires, so a token is worth no more on an open stream than on a new request.
   */
  until?: number;
  /**
   * Called with what ended the stream early (a store failure while reading the snapshot or filtering), after
   * which the stream closes without a message naming it (the client reconnects with `Last-Event-ID`).
   * The server logs it here (`ErrorReplies.log`): one line for a store failure, never a driver's message
   * to the reader.
   */
  onError: (error: unknown) => void;
  /** Comment line interval that keeps proxies from closing an idle stream, ms. @default 15000 */
  keepAliveMs?: number;
}

/**
 * Streams `feed` as Server-Sent Events. Each message's `id` is the buffer sequence number, so a client
 * that reconnects with `Last-Event-ID` (header, or `lastEventId` query parameter) gets exactly the
 * events it missed, or a fresh snapshot when they are no longer buffered. An id above the buffer's latest
 * was issued before the server restarted (numbering starts again at 1): the client then gets a fresh
 * snapshot too, or, for a feed without snapshots, every event still buffered. Closes after the end event.
 *
 * Back-pressure: a connection keeps only its position in the shared buffer and at most one write in
 * flight, never a queue of its own. A reader so far behind that the next event it needs has left the
 * buffer (more than its capacity, 10,000 run events by default) is disconnected (no `stream.ended`): it
 * reconnects with `Last-Event-ID` and gets a snapshot. So a client that stops reading costs the server
 * nothing that grows with the events published meanwhile.
 */
export function serveSse<T>(c: Context, feed: SseFeed<T>): Response {
  const lastEventId = parseLastEventId(c.req.header("last-event-id") ?? c.req.query("lastEventId"));
  return streamSSE(c, (stream) =>
    pump(stream, feed, lastEventId, () => destroySocket(c)).catch((error: unknown) => feed.onError(error)),
  );
}

/** Drops the TCP connection under `c` when the server is Node's (`@hono/node-server`'s bindings). */
function destroySocket(c: Context): void {
  const env = c.env as { incoming?: { socket?: { destroy(): void } } } | undefined;
  env?.incoming?.socket?.destroy();
}

async function pump<T>(
  stream: SSEStreamingApi,
  feed: SseFeed<T>,
  lastEventId: number | undefined,
  disconnect: () => void,
): Promise<void> {
  const buffer = feed.buffer;
  // An id this buffer never issued (from before a restart) is no resume point.
  const resumeAfter = lastEventId !== undefined && lastEventId <= buffer.lastSeq ? lastEventId : undefined;
  const resumed = resumeAfter !== undefined && resumeAfter >= buffer.oldestSeq - 1;
  /** The last buffered event handled (sent or filtered out). */
  let cursor = buffer.lastSeq;
  /** The id of the last message written. */
  let sent = resumeAfter ?? 0;
  let ended = false;
  let writing = false;
  let wake: (() => void) | undefined;

  const stop = () => {
    ended = true;
    wake?.();
  };
  const write = async (id: number, message: SseMessage) => {
    if (ended) return;
    writing = true;
    try {
      await stream.writeSSE({ id: String(id), event: message.event, data: JSON.stringify(message.data) });
    } finally {
      writing = false;
    }
  };
  const end = async (id: number) => {
    if (ended) return;
    await write(id, { event: "stream.ended", data: {} });
    stop();
  };
  const deliver = async (event: BufferedEvent<T>) => {
    if (ended || event.seq <= sent || !(await feed.filter(event.value))) return;
    sent = event.seq;
    const message = feed.toMessage(event.value);
    await write(event.seq, message);
    if (feed.isEnd(event.value)) {
      if (message.event === "stream.ended") stop();
      else await end(event.seq);
    }
  };
  /** The reader fell behind the buffer: drop the connection, it resumes with `Last-Event-ID`. */
  const fellBehind = () => {
    if (ended) return;
    stop();
    stream.abort();
    disconnect();
  };
  /** Delivers every buffered event after `cursor`, one at a time. */
  const drain = async () => {
    while (!ended && cursor < buffer.lastSeq) {
      const event = buffer.get(cursor + 1);
      if (!event) return fellBehind();
      cursor = event.seq;
      await deliver(event);
    }
  };

  const unsubscribe = buffer.subscribe(() => {
    if (cursor + 1 < buffer.oldestSeq) fellBehind();
    else wake?.();
  });
  const keepAlive = setInterval(() => {
    // A reader that is not taking the last write gets no more lines queued for it.
    if (ended || writing) return;
    writing = true;
    void stream.write(": keep-alive\n\n").finally(() => {
      writing = false;
    });
  }, feed.keepAliveMs ?? 15_000);
  keepAlive.unref();
  stream.onAbort(stop);
  const expiry =
    feed.until === undefined ? undefined : setTimeout(stop, Math.max(0, feed.until - Date.now()));
  expiry?.unref();
  feed.signal?.addEventListener("abort", stop);
  if (feed.signal?.aborted) stop();

  try {
    // A first comment line makes the server send the headers now, so clients see the stream open.
    await stream.write(": open\n\n");
    if (resumed) cursor = resumeAfter;
    else if (feed.snapshot) await sendSnapshot();
    // No snapshot to fall back on after a gap or a restart: send what is still buffered. A fresh
    // connection replays nothing.
    else if (lastEventId !== undefined) cursor = buffer.oldestSeq - 1;
    await drain();
    if (resumed && !ended && feed.snapshot && (await feed.snapshot()).ended) {
      // A resumed stream whose thing already ended (its end event was sent before) ends now.
      await end(sent);
    }
    while (!ended) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (ended || cursor < buffer.lastSeq) resolve();
      });
      wake = undefined;
      await drain();
    }
  } finally {
    unsubscribe();
    clearInterval(keepAlive);
    clearTimeout(expiry);
    feed.signal?.removeEventListener("abort", stop);
  }

  async function sendSnapshot() {
    if (!feed.snapshot) return;
    const at = buffer.lastSeq;
    cursor = at;
    const snapshot = await feed.snapshot();
    for (const message of snapshot.messages) await write(at, message);
    sent = Math.max(sent, at);
    if (snapshot.ended) await end(at);
  }
}

function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}
