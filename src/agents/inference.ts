import { currentExecution } from "../engine/execution-context.js";
import type { Model, ModelRequest, ModelResponse } from "../models/spec.js";
import { toStepFailure } from "../models/step-failure.js";
import { InferenceParts, type PartScope } from "../streaming/inference-parts.js";
import type { StreamingContext } from "../streaming/streaming-context.js";
import type { RunScope } from "./durable.js";
import { traceModelCall } from "./gen-ai-spans.js";

/** One model call's memoized outcome: the response and when it arrived (ms since epoch). */
export interface Inference {
  response: ModelResponse;
  createdAt: number;
}

/**
 * Calls the model as step `<scope>/<id>` (directly outside a Fairway function). With a stream, tokens are
 * published as they arrive; the number of chunks published is stored with the response, so a replay, which
 * returns the stored response without publishing, skips the same sequence numbers. A failed call ends its
 * open parts with `part.failed`; a retry (the engine's, replaying the run) streams under new part and chunk
 * ids.
 */
export async function infer(
  scope: RunScope,
  id: string,
  model: Model,
  request: ModelRequest,
  stream?: { context: StreamingContext; parts: PartScope },
): Promise<Inference> {
  const startSequence = stream?.context.sequence ?? 0;
  const outcome = await scope.memo(id, async () => {
    const attempt = scope.step ? (currentExecution()?.attempt ?? 0) : 0;
    const parts = stream ? new InferenceParts(stream.context, stream.parts, attempt) : undefined;
    let response: ModelResponse;
    try {
      response = await traceModelCall(model, () =>
        model.generate(parts ? { ...request, onDelta: parts.onDelta } : request),
      );
    } catch (error) {
      parts?.fail(error);
      throw scope.step ? toStepFailure(error) : error;
    }
    parts?.complete(response);
    if (scope.step) await recordUsage(model, response);
    return { response, createdAt: Date.now(), published: parts?.published ?? 0 };
  });
  if (stream && stream.context.sequence === startSequence) stream.context.skip(outcome.published);
  return { response: outcome.response, createdAt: outcome.createdAt };
}

/** Stores the call's token usage with its run and step (usage accounting), when the provider reported any. */
async function recordUsage(model: Model, response: ModelResponse): Promise<void> {
  const { inputTokens, outputTokens, cachedInputTokens } = response.usage;
  if (inputTokens === undefined && outputTokens === undefined) return;
  await currentExecution()?.recordUsage({
    model: model.modelName,
    provider: model.format,
    inputTokens: inputTokens ?? 0,
    outputTokens: outputTokens ?? 0,
    ...(cachedInputTokens !== undefined && { cachedInputTokens }),
  });
}
