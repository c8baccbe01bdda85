import { ModelCallError } from "../../errors/model-call-error.js";
import { type CallSettings, isRetryableStatus } from "../shared/http.js";
import { parseReply } from "../shared/parse-reply.js";
import type { ResponseAssembler } from "../shared/response-assembler.js";
import { incompleteStream, readSseJson } from "../shared/sse.js";
import { chatCompletionChunkSchema } from "./api.js";
import { mapUsage } from "./usage.js";

/** What a chat-completions stream ends with besides the assembled parts. */
export interface StreamEnd {
  finishReason: string | undefined;
  usage: unknown;
}

/**
 * Reads a chat-completions SSE stream (`chat.completion.chunk` objects, then `data: [DONE]`) into the
 * assembler: `delta.content` as text, `delta.tool_calls[i]` by `index` (id and name on the first chunk of a
 * call, argument text in pieces; see `ToolCallSlots` for servers that bend this). The usage-only last chunk (`stream_options.include_usage`) has empty
 * `choices`. An `error` object in the stream is a `ModelCallError`: retryable, unless its `code` is a
 * numeric HTTP status that is not (OpenRouter sends e.g. `{ code: 400 }`; OpenAI's codes are strings).
 * A stream without a `finish_reason` was cut off and is an `InvalidResponseError`.
 */
export async function readChatStream(
  settings: CallSettings,
  response: Response,
  assembler: ResponseAssembler,
): Promise<StreamEnd> {
  const end: StreamEnd = { finishReason: undefined, usage: undefined };
  const slots = new ToolCallSlots();
  await readSseJson(settings, response, ({ data }) => {
    const chunk = parseReply(settings, chatCompletionChunkSchema(), data, "stream chunk");
    if (chunk.error) {
      throw new ModelCallError(`stream error: ${chunk.error.message ?? "unknown"}`, {
        provider: settings.provider,
        model: settings.model,
        isRetryable: typeof chunk.error.code !== "number" || isRetryableStatus(chunk.error.code),
        providerMessage: chunk.error.message ?? undefined,
        responseBody: JSON.stringify(data),
      });
    }
    if (chunk.usage) {
      end.usage = chunk.usage;
      Object.assign(assembler.usage, mapUsage(chunk.usage));
    }
    const choice = chunk.choices?.[0];
    if (!choice) return;
    if (choice.finish_reason) end.finishReason = choice.finish_reason;
    if (choice.delta?.content) assembler.text("content", choice.delta.content);
    if (choice.delta?.refusal) assembler.text("refusal", choice.delta.refusal);
    for (const call of choice.delta?.tool_calls ?? []) {
      const key = slots.key(call.index, call.id);
      if (call.function?.name) assembler.toolStart(key, call.id, call.function.name);
      if (call.function?.arguments) assembler.toolArguments(key, call.function.arguments);
    }
  });
  if (end.finishReason === undefined) throw incompleteStream(settings, "finish_reason");
  return end;
}

/**
 * Tells which tool call a streamed `tool_calls` delta belongs to. OpenAI puts `index` on every delta and
 * `id` on the first delta of each call. Some OpenAI-compatible servers bend this: Gemini's OpenAI endpoint
 * and older Ollama omit `index`, others reuse `index: 0` for every call of a turn. So a delta with an id
 * not seen before starts a new call, a known id continues its call, and a delta without an id continues
 * the call at its `index` (or, without an index, the latest call).
 */
class ToolCallSlots {
  readonly #byId = new Map<string, string>();
  readonly #byIndex = new Map<number, string>();
  #latest: string | undefined;
  #count = 0;

  /** The assembler key of the call this delta continues or starts. */
  key(index: number | null | undefined, id: string | null | undefined): string {
    let key = id ? this.#byId.get(id) : index == null ? this.#latest : this.#byIndex.get(index);
    key ??= `call_${this.#count++}`;
    if (id) this.#byId.set(id, key);
    if (index != null) this.#byIndex.set(index, key);
    this.#latest = key;
    return key;
  }
}
