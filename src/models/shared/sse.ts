import { createParser, type EventSourceMessage } from "eventsource-parser";
import { InvalidResponseError } from "../../errors/invalid-response-error.js";
import type { CallSettings } from "./http.js";
import { isJsonObject, parseJson } from "./json.js";

/** One server-sent event whose `data` parsed as a JSON object; `event` is the SSE event name, if any. */
export interface SseJsonEvent {
  event: string | undefined;
  data: Record<string, unknown>;
}

/**
 * Reads a `text/event-stream` body with eventsource-parser and calls `onEvent` for each event, in order.
 * `data: [DONE]` (OpenAI's end marker) ends the stream. A data line that is not a JSON object is an
 * `InvalidResponseError` (a bad chunk is an error, never skipped silently).
 */
export async function readSseJson(
  settings: CallSettings,
  response: Response,
  onEvent: (event: SseJsonEvent) => void,
): Promise<void> {
  if (!response.body) throw new InvalidResponseError(settings.provider, settings.model, "stream has no body");
  let done = false;
  let failure: unknown;
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      if (done || failure !== undefined) return;
      if (message.data === "[DONE]") {
        done = true;
        return;
      }
      const parsed = parseJson(message.data);
      if (!parsed.ok || !isJsonObject(parsed.value)) {
        failure = new InvalidResponseError(
          settings.provider,
          settings.model,
          "stream event is not a JSON object",
          message.data,
        );
        return;
      }
      try {
        onEvent({ event: message.event, data: parsed.value });
      } catch (error) {
        failure = error;
      }
    },
  });
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      parser.feed(decoder.decode(read.value, { stream: true }));
      if (failure !== undefined) throw failure;
      if (done) return;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  parser.feed(decoder.decode());
  if (failure !== undefined) throw failure;
}

/** The error for a stream that ended before the provider said the turn was over (a cut connection). */
export function incompleteStream(settings: CallSettings, missing: string): InvalidResponseError {
  return new InvalidResponseError(settings.provider, settings.model, `stream ended early: no ${missing}`);
}
