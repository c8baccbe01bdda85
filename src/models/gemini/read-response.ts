import { InvalidResponseError } from "../../errors/invalid-response-error.js";
import { ModelCallError } from "../../errors/model-call-error.js";
import { type CallSettings, isRetryableStatus } from "../shared/http.js";
import { parseReply } from "../shared/parse-reply.js";
import type { ResponseAssembler } from "../shared/response-assembler.js";
import type { StopReason } from "../spec.js";
import { generateContentResponseSchema } from "./api.js";
import { mapFinishReason } from "./map-finish-reason.js";
import { mergeUsage } from "./usage.js";

/** Reads `GenerateContentResponse`s (a whole reply, or each stream event in turn) into one turn. */
export class GeminiResponseReader {
  #finishReason: string | undefined;
  #blockReason: string | undefined;
  #calls = 0;

  constructor(
    private readonly settings: CallSettings,
    private readonly assembler: ResponseAssembler,
  ) {}

  /**
   * Adds one response: text parts of the first candidate (thought parts skipped) and each `functionCall`
   * (whole, as Gemini sends it, with its `thoughtSignature` kept in `providerMetadata.gemini`). A call with an id already seen is not added twice. Candidates without
   * content or parts add nothing. An `error` object (in a stream) is a `ModelCallError`.
   */
  add(value: unknown): void {
    const response = parseReply(this.settings, generateContentResponseSchema(), value, "response");
    if (response.error) {
      const code = response.error.code ?? 0;
      throw new ModelCallError(`stream error: ${response.error.message ?? "unknown"}`, {
        provider: this.settings.provider,
        model: this.settings.model,
        isRetryable: code === 0 || isRetryableStatus(code),
        providerMessage: response.error.message ?? undefined,
      });
    }
    const candidate = response.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (typeof part.text === "string" && part.thought !== true) this.assembler.text("text", part.text);
      if (part.functionCall) {
        const key = part.functionCall.id ? `id:${part.functionCall.id}` : `position:${this.#calls}`;
        this.#calls++;
        const signature = part.thoughtSignature
          ? { gemini: { thoughtSignature: part.thoughtSignature } }
          : undefined;
        this.assembler.toolStart(key, part.functionCall.id, part.functionCall.name, signature);
        this.assembler.toolArguments(key, JSON.stringify(part.functionCall.args ?? {}));
      }
    }
    this.#finishReason = candidate?.finishReason ?? this.#finishReason;
    this.#blockReason = response.promptFeedback?.blockReason ?? this.#blockReason;
    mergeUsage(this.assembler.usage, response.usageMetadata);
  }

  /** True once a response said the turn is over (a finish reason, or a blocked prompt). */
  get finished(): boolean {
    return this.#finishReason !== undefined || this.#blockReason !== undefined;
  }

  /** The provider's finish reason as last reported. */
  get finishReason(): string | undefined {
    return this.#finishReason;
  }

  /**
   * The mapped finish reason (or `content_filter` for a blocked prompt).
   * @throws InvalidResponseError (retryable) when Gemini ended the turn with `MALFORMED_FUNCTION_CALL` or
   *   `UNEXPECTED_TOOL_CALL`: it tried to call a tool and produced nothing usable, so the turn is asked again
   *   rather than ending the agent with an empty answer (pitfall R14).
   */
  stopReason(): StopReason {
    const reason = this.#finishReason;
    if (reason === "MALFORMED_FUNCTION_CALL" || reason === "UNEXPECTED_TOOL_CALL") {
      throw new InvalidResponseError(
        this.settings.provider,
        this.settings.model,
        `the turn ended with finishReason ${reason}: the model produced a tool call it could not encode`,
      );
    }
    return mapFinishReason(reason, this.#blockReason);
  }
}
