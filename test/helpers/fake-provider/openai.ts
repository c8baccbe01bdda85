import { argumentChunks, argumentText, textChunks } from "./chunks.js";
import { type FakeProviderServer, startFakeProvider } from "./server.js";
import type { FakeReplyTurn, FakeTurn, SseEvent, WireFormat } from "./types.js";

const created = 1_700_000_000;

function toolCallId(turn: FakeReplyTurn, turnIndex: number, position: number): string {
  return turn.toolCalls?.[position]?.id ?? `call_fake_${turnIndex}_${position}`;
}

function finishReason(turn: FakeReplyTurn): string {
  return turn.finishReason ?? (turn.toolCalls?.length ? "tool_calls" : "stop");
}

function usage(turn: FakeReplyTurn) {
  const { input, output } = turn.usage ?? { input: 10, output: 5 };
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}

/**
 * OpenAI chat completions (`POST /v1/chat/completions`): a `chat.completion` object, or with
 * `stream: true` a series of `chat.completion.chunk` objects (role first, content deltas, tool calls
 * by `index` with id and name first and then argument pieces, a finish chunk, then, with
 * `stream_options.include_usage`, a usage chunk with empty `choices`) ended by `data: [DONE]`.
 */
export const openAiWire: WireFormat = {
  isStream: (request) => request.body?.stream === true,
  json(turn, request, turnIndex) {
    const message: Record<string, unknown> = { role: "assistant", content: turn.text ?? null, refusal: null };
    if (turn.toolCalls?.length) {
      message.tool_calls = turn.toolCalls.map((call, position) => ({
        id: toolCallId(turn, turnIndex, position),
        type: "function",
        function: { name: call.name, arguments: argumentText(call) },
      }));
    }
    return {
      id: `chatcmpl-fake-${turnIndex}`,
      object: "chat.completion",
      created,
      model: request.body?.model ?? "fake",
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(turn) }],
      usage: usage(turn),
    };
  },
  events(turn, request, turnIndex) {
    const includeUsage = request.body?.stream_options?.include_usage === true;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): SseEvent => ({
      data: {
        id: `chatcmpl-fake-${turnIndex}`,
        object: "chat.completion.chunk",
        created,
        model: request.body?.model ?? "fake",
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {}),
      },
    });
    const events: SseEvent[] = [chunk({ role: "assistant", content: "", refusal: null })];
    for (const piece of textChunks(turn)) events.push(chunk({ content: piece }));
    turn.toolCalls?.forEach((call, index) => {
      const id = toolCallId(turn, turnIndex, index);
      events.push(
        chunk({
          tool_calls: [{ index, id, type: "function", function: { name: call.name, arguments: "" } }],
        }),
      );
      for (const piece of argumentChunks(call))
        events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
    events.push(chunk({}, finishReason(turn)));
    if (includeUsage) {
      events.push({
        data: {
          id: `chatcmpl-fake-${turnIndex}`,
          object: "chat.completion.chunk",
          created,
          model: request.body?.model ?? "fake",
          choices: [],
          usage: usage(turn),
        },
      });
    }
    return events;
  },
  done: "data: [DONE]",
  errorBody: (status, message, type) => ({
    error: {
      message,
      type: type ?? (status === 429 ? "rate_limit_exceeded" : "invalid_request_error"),
      param: null,
      code: null,
    },
  }),
};

/** A fake OpenAI-compatible server; point `openai({ baseUrl: server.baseUrl })` (or the SDK) at it. */
export async function startFakeOpenAi(
  turns: FakeTurn[] = [],
): Promise<FakeProviderServer & { baseUrl: string }> {
  const server = await startFakeProvider(openAiWire, turns);
  return Object.assign(server, { baseUrl: `${server.url}/v1` });
}
