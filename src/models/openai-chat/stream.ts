import { ModelCallError } from "../../errors/model-call-error.js";
import type { CallSettings } from "../shared/http.js";
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
 * call, argument text in pieces). The usage-only last chunk (`stream_options.include_usage`) has empty
 * `choices`. An `error` object in the stream is a retryable `ModelCallError`; a stream without a
 * `finish_reason` was cut off and is an `InvalidResponseError`.
 */
export async function readChatStream(
  settings: CallSettings,
  response: Response,
  assembler: ResponseAssembler,
): Promise<StreamEnd> {
  const end: StreamEnd = { finishReason: undefined, usage: undefined };
  await readSseJson(settings, response, ({ data }) => {
    const chunk = parseReply(settings, chatCompletionChunkSchema(), data, "stream chunk");
    if (chunk.error) {
      throw new ModelCallError(`stream error: ${chunk.error.message ?? "unknown"}`, {
        provider: settings.provider,
        model: settings.model,
        isRetryable: true,
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
      const key = String(call.index);
      if (call.function?.name) assembler.toolStart(key, call.id, call.function.name);
      if (call.function?.arguments) assembler.toolArguments(key, call.function.arguments);
    }
  });
  if (end.finishReason === undefined) throw incompleteStream(settings, "finish_reason");
  return end;
}
