import { ModelCallError } from "../../errors/model-call-error.js";
import type { CallSettings } from "../shared/http.js";
import { isJsonObject } from "../shared/json.js";
import { parseReply } from "../shared/parse-reply.js";
import type { ResponseAssembler } from "../shared/response-assembler.js";
import { incompleteStream, readSseJson } from "../shared/sse.js";
import { streamEventSchema } from "./api.js";
import { ThinkingBlocks } from "./thinking.js";
import { mergeUsage } from "./usage.js";

/** Error types in a stream that a later retry cannot fix. */
const permanentErrors = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "request_too_large",
]);

/**
 * Reads a Messages API stream into the assembler: `message_start` (input usage), `content_block_start`
 * (a text block, a `tool_use` block with id and name, or a thinking block), `content_block_delta`
 * (`text_delta`, `input_json_delta`, or `thinking_delta`/`signature_delta`, see `ThinkingBlocks`),
 * `message_delta` (stop reason, cumulative output usage); `ping`, `content_block_stop` and
 * `message_stop` carry nothing needed. Anthropic starts a `tool_use` block with `input: {}`; a
 * compatible server that puts the whole input there instead has it used, never replaced by `{}`. An `error` event is a `ModelCallError`, retryable unless its
 * type is a request error. Returns the stop reason; a stream without one was cut off and is an
 * `InvalidResponseError`.
 */
export async function readMessageStream(
  settings: CallSettings,
  response: Response,
  assembler: ResponseAssembler,
): Promise<string | undefined> {
  let stopReason: string | undefined;
  const thinking = new ThinkingBlocks();
  await readSseJson(settings, response, ({ data }) => {
    const event = parseReply(settings, streamEventSchema(), data, "stream event");
    const key = String(event.index ?? 0);
    switch (event.type) {
      case "message_start":
        mergeUsage(assembler.usage, event.message?.usage);
        break;
      case "content_block_start":
        if (!event.content_block) break;
        if (event.content_block.type === "text") assembler.text(key, event.content_block.text ?? "");
        thinking.add(key, event.content_block);
        if (event.content_block.type === "tool_use") {
          const { id, name, input } = event.content_block;
          assembler.toolStart(key, id, name ?? "", thinking.forNextCall());
          if (isJsonObject(input) && Object.keys(input).length > 0)
            assembler.toolArguments(key, JSON.stringify(input));
        }
        break;
      case "content_block_delta":
        if (event.delta?.type === "text_delta") assembler.text(key, event.delta.text ?? "");
        if (event.delta?.type === "input_json_delta")
          assembler.toolArguments(key, event.delta.partial_json ?? "");
        if (event.delta?.type === "thinking_delta" || event.delta?.type === "signature_delta")
          thinking.delta(key, event.delta);
        break;
      case "message_delta":
        stopReason = event.delta?.stop_reason ?? stopReason;
        mergeUsage(assembler.usage, event.usage);
        break;
      case "error":
        throw new ModelCallError(
          `stream error: ${event.error?.type ?? "error"}: ${event.error?.message ?? "unknown"}`,
          {
            provider: settings.provider,
            model: settings.model,
            isRetryable: !permanentErrors.has(event.error?.type ?? ""),
            providerMessage: event.error?.message ?? undefined,
            responseBody: JSON.stringify(data),
          },
        );
    }
  });
  if (stopReason === undefined) throw incompleteStream(settings, "message_delta with a stop_reason");
  return stopReason;
}
