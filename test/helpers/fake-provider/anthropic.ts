import { argumentChunks, argumentText, textChunks } from "./chunks.js";
import { type FakeProviderServer, startFakeProvider } from "./server.js";
import type { FakeReplyTurn, FakeTurn, SseEvent, WireFormat } from "./types.js";

function toolUseId(turn: FakeReplyTurn, turnIndex: number, position: number): string {
  return turn.toolCalls?.[position]?.id ?? `toolu_fake_${turnIndex}_${position}`;
}

function stopReason(turn: FakeReplyTurn): string {
  return turn.finishReason ?? (turn.toolCalls?.length ? "tool_use" : "end_turn");
}

function input(text: string): unknown {
  return text === "" ? {} : JSON.parse(text);
}

function errorType(status: number): string {
  if (status === 429) return "rate_limit_error";
  if (status === 529) return "overloaded_error";
  if (status >= 500) return "api_error";
  if (status === 401) return "authentication_error";
  return "invalid_request_error";
}

/**
 * Anthropic Messages (`POST /v1/messages`): a `message` object, or with `stream: true` the documented
 * event flow: `message_start`, per block `content_block_start` / `content_block_delta` (`text_delta`,
 * `input_json_delta`) / `content_block_stop`, a `ping`, `message_delta` (stop reason, output usage) and
 * `message_stop`, each with its `event:` name.
 */
export const anthropicWire: WireFormat = {
  isStream: (request) => request.body?.stream === true,
  json(turn, request, turnIndex) {
    const content: unknown[] = [];
    if (turn.text) content.push({ type: "text", text: turn.text });
    turn.toolCalls?.forEach((call, position) => {
      content.push({
        type: "tool_use",
        id: toolUseId(turn, turnIndex, position),
        name: call.name,
        input: input(argumentText(call)),
      });
    });
    const { input: inputTokens, output } = turn.usage ?? { input: 10, output: 5 };
    return {
      id: `msg_fake_${turnIndex}`,
      type: "message",
      role: "assistant",
      model: request.body?.model ?? "fake",
      content,
      stop_reason: stopReason(turn),
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: output },
    };
  },
  events(turn, request, turnIndex) {
    const { input: inputTokens, output } = turn.usage ?? { input: 10, output: 5 };
    const event = (type: string, data: Record<string, unknown>): SseEvent => ({
      event: type,
      data: { type, ...data },
    });
    const events: SseEvent[] = [
      event("message_start", {
        message: {
          id: `msg_fake_${turnIndex}`,
          type: "message",
          role: "assistant",
          model: request.body?.model ?? "fake",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: 1 },
        },
      }),
    ];
    let index = 0;
    if (turn.text) {
      events.push(event("content_block_start", { index, content_block: { type: "text", text: "" } }));
      events.push(event("ping", {}));
      for (const piece of textChunks(turn)) {
        events.push(event("content_block_delta", { index, delta: { type: "text_delta", text: piece } }));
      }
      events.push(event("content_block_stop", { index }));
      index++;
    }
    turn.toolCalls?.forEach((call, position) => {
      const id = toolUseId(turn, turnIndex, position);
      events.push(
        event("content_block_start", {
          index,
          content_block: { type: "tool_use", id, name: call.name, input: {} },
        }),
      );
      for (const piece of argumentChunks(call)) {
        events.push(
          event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } }),
        );
      }
      events.push(event("content_block_stop", { index }));
      index++;
    });
    events.push(
      event("message_delta", {
        delta: { stop_reason: stopReason(turn), stop_sequence: null },
        usage: { output_tokens: output },
      }),
    );
    events.push(event("message_stop", {}));
    return events;
  },
  errorBody: (status, message, type) => ({
    type: "error",
    error: { type: type ?? errorType(status), message },
  }),
};

/** A fake Anthropic server; point `anthropic({ baseUrl: server.baseUrl })` (or the SDK at `server.url`) at it. */
export async function startFakeAnthropic(
  turns: FakeTurn[] = [],
): Promise<FakeProviderServer & { baseUrl: string }> {
  const server = await startFakeProvider(anthropicWire, turns);
  return Object.assign(server, { baseUrl: `${server.url}/v1` });
}
