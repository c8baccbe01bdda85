import { createParser, type EventSourceMessage } from "eventsource-parser";

/** Reads an SSE response until it ends (or `until` says stop), returning every message with JSON data parsed. */
export async function readSse(
  response: Response,
  until: (message: { id?: string; event: string; data: unknown }) => boolean = () => false,
): Promise<{ id?: string; event: string; data: unknown }[]> {
  const messages: { id?: string; event: string; data: unknown }[] = [];
  let stop = false;
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      const parsed = { id: message.id, event: message.event ?? "message", data: JSON.parse(message.data) };
      messages.push(parsed);
      if (until(parsed)) stop = true;
    },
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  while (!stop) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  await reader.cancel();
  return messages;
}
