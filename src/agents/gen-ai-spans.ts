/**
 * OpenTelemetry GenAI spans and metrics for the agent layer (semantic conventions for generative AI:
 * `chat <model>` client spans for model calls, `execute_tool <name>` spans for tool calls, and the
 * `gen_ai.client.token.usage` / `gen_ai.client.operation.duration` histograms), through
 * `@opentelemetry/api` only: no-ops until the app registers a provider. Inside a Fairway function they nest
 * under the step span of the inference or tool-call step, in the run's trace.
 *
 * @module
 */
import { type Attributes, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { INSTRUMENTATION_SCOPE, instruments } from "../engine/telemetry.js";
import type { Model, ModelResponse } from "../models/spec.js";
import type { ToolResultPayload } from "./tool.js";

const tracer = trace.getTracer(INSTRUMENTATION_SCOPE);

/** Calls `generate` inside a `chat <model>` span with the request model, provider, usage and finish reason. */
export async function traceModelCall(
  model: Model,
  generate: () => Promise<ModelResponse>,
): Promise<ModelResponse> {
  const attributes: Attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": model.format,
    "gen_ai.request.model": model.modelName,
  };
  const span = tracer.startSpan(`chat ${model.modelName}`, { kind: SpanKind.CLIENT, attributes });
  const { tokenUsage, operationDuration } = instruments();
  const started = performance.now();
  try {
    const response = await generate();
    const { inputTokens, outputTokens, cachedInputTokens } = response.usage;
    if (span.isRecording()) {
      span.setAttribute("gen_ai.response.finish_reasons", [response.stopReason]);
      if (inputTokens !== undefined) span.setAttribute("gen_ai.usage.input_tokens", inputTokens);
      if (outputTokens !== undefined) span.setAttribute("gen_ai.usage.output_tokens", outputTokens);
      if (cachedInputTokens !== undefined)
        span.setAttribute("gen_ai.usage.cache_read.input_tokens", cachedInputTokens);
    }
    // Attribute objects written out, not spread: this runs on every model call, with or without a provider.
    if (inputTokens !== undefined) tokenUsage.record(inputTokens, tokenAttributes(model, "input"));
    if (outputTokens !== undefined) tokenUsage.record(outputTokens, tokenAttributes(model, "output"));
    return response;
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
    attributes["error.type"] = (error as Error)?.name ?? "Error";
    throw error;
  } finally {
    operationDuration.record((performance.now() - started) / 1000, attributes);
    span.end();
  }
}

function tokenAttributes(model: Model, type: "input" | "output"): Attributes {
  return {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": model.format,
    "gen_ai.request.model": model.modelName,
    "gen_ai.token.type": type,
  };
}

/** Runs a tool call inside an `execute_tool <name>` span; an `{ error }` result sets the error status. */
export async function traceToolCall(
  name: string,
  callId: string,
  run: () => Promise<ToolResultPayload>,
): Promise<ToolResultPayload> {
  const span = tracer.startSpan(`execute_tool ${name}`, {
    kind: SpanKind.INTERNAL,
    attributes: {
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": name,
      "gen_ai.tool.call.id": callId,
    },
  });
  try {
    const result = await run();
    if ("error" in result) span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.message });
    return result;
  } finally {
    span.end();
  }
}
