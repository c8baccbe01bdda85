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
  /** Comment line interval that keeps proxies from closing an idle stream, ms. @default 15000 */
  keepAliveMs?: number;
}

/**
 * Streams `feed` as Server-Sent Events. Each message's `id` is the buffer sequence number, so a client
 * that reconnects with `Last-Event-ID` (header, or `lastEventId` query parameter) gets exactly the
 * events it missed, or a fresh snapshot when they are no longer buffered. An id above the buffer's latest
 * was issued before the server restarted (numbering starts again at 1): the client then gets a fresh
 * snapshot too, or, for a feed without snapshots, every event still buffered. Closes after the end event.
 */
export function serveSse<T>(c: Context, feed: SseFeed<T>): Response {
  const lastEventId = parseLastEventId(c.req.header("last-event-id") ?? c.req.query("lastEventId"));
  return streamSSE(c, (stream) => pump(stream, feed, lastEventId));
}

async function pump<T>(
  stream: SSEStreamingApi,
  feed: SseFeed<T>,
  lastEventId: number | undefined,
): Promise<void> {
  // An id this buffer never issued (from before a restart) is no resume point.
  const resumeAfter =
    lastEventId !== undefined && lastEventId <= feed.buffer.lastSeq ? lastEventId : undefined;
  let sent = resumeAfter ?? 0;
  let ended = false;
  let chain = Promise.resolve();
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const pending: BufferedEvent<T>[] = [];
  let live = false;

  const write = async (id: number, message: SseMessage) => {
    if (ended) return;
    await stream.writeSSE({ id: String(id), event: message.event, data: JSON.stringify(message.data) });
  };
  const end = async (id: number) => {
    if (ended) return;
    await write(id, { event: "stream.ended", data: {} });
    ended = true;
    finish();
  };
  const deliver = async (event: BufferedEvent<T>) => {
    if (ended || event.seq <= sent || !(await feed.filter(event.value))) return;
    sent = event.seq;
    const message = feed.toMessage(event.value);
    await write(event.seq, message);
    if (feed.isEnd(event.value)) {
      if (message.event === "stream.ended") {
        ended = true;
        finish();
      } else await end(event.seq);
    }
  };
  const sendSnapshot = async () => {
    if (!feed.snapshot) return;
    const at = feed.buffer.lastSeq;
    const snapshot = await feed.snapshot();
    for (const message of snapshot.messages) await write(at, message);
    sent = Math.max(sent, at);
    if (snapshot.ended) await end(at);
  };

  const unsubscribe = feed.buffer.subscribe((event) => {
    if (!live) pending.push(event);
    else chain = chain.then(() => deliver(event));
  });
  const keepAlive = setInterval(() => {
    chain = chain.then(() => stream.write(": keep-alive\n\n").then(() => undefined));
  }, feed.keepAliveMs ?? 15_000);
  keepAlive.unref();
  const stop = () => {
    ended = true;
    finish();
  };
  stream.onAbort(stop);
  const expiry =
    feed.until === undefined ? undefined : setTimeout(stop, Math.max(0, feed.until - Date.now()));
  expiry?.unref();
  feed.signal?.addEventListener("abort", stop);
  if (feed.signal?.aborted) stop();

  try {
    // A first comment line makes the server send the headers now, so clients see the stream open.
    await stream.write(": open\n\n");
    // A fresh connection replays nothing (no scan of the buffer); a resume replays what it missed.
    const replay = lastEventId === undefined ? undefined : feed.buffer.since(resumeAfter ?? 0, () => true);
    const resumed = resumeAfter !== undefined && replay?.complete === true;
    if (resumed) for (const event of replay!.events) await deliver(event);
    else if (feed.snapshot) await sendSnapshot();
    // No snapshot to fall back on after a gap or a restart: send what is still buffered.
    else for (const event of replay?.events ?? []) await deliver(event);
    for (const event of pending) await deliver(event);
    live = true;
    if (resumed && !ended && feed.snapshot) {
      // A resumed stream whose thing already ended (its end event was sent before) ends now.
      const over = (await feed.snapshot()).ended;
      if (over) chain = chain.then(() => end(sent));
    }
    await done;
    await chain;
  } finally {
    unsubscribe();
    clearInterval(keepAlive);
    clearTimeout(expiry);
    feed.signal?.removeEventListener("abort", stop);
  }
}

function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}
