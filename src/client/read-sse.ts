/**
 * Server-Sent Events over `fetch` (so a tenant token can go in the `Authorization` header), parsed with
 * eventsource-parser.
 *
 * @module
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

/** Yields the SSE messages of `response`'s body until it ends or `signal` aborts. */
export async function* readSse(response: Response, signal?: AbortSignal): AsyncGenerator<EventSourceMessage> {
  if (!response.body) return;
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    while (!signal?.aborted) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift() as EventSourceMessage;
    }
  } finally {
    signal?.removeEventListener("abort", cancel);
    cancel();
  }
}
