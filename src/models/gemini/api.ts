import { z } from "zod";
import { lazySchema } from "../shared/parse-reply.js";

/**
 * Minimal schema of a `GenerateContentResponse` (Gemini API reference, "Generating content"); each
 * `streamGenerateContent?alt=sse` event has the same shape. A candidate may lack `content` or `parts`
 * (pitfall R14); `functionCall.id` is optional.
 */
export const generateContentResponseSchema = lazySchema(() =>
  z.looseObject({
    candidates: z
      .array(
        z.looseObject({
          content: z
            .looseObject({
              parts: z
                .array(
                  z.looseObject({
                    text: z.string().nullish(),
                    thought: z.boolean().nullish(),
                    thoughtSignature: z.string().nullish(),
                    functionCall: z
                      .looseObject({
                        id: z.string().nullish(),
                        name: z.string(),
                        args: z.unknown().optional(),
                      })
                      .nullish(),
                  }),
                )
                .nullish(),
            })
            .nullish(),
          finishReason: z.string().nullish(),
        }),
      )
      .nullish(),
    usageMetadata: z
      .looseObject({
        promptTokenCount: z.number().nullish(),
        candidatesTokenCount: z.number().nullish(),
        thoughtsTokenCount: z.number().nullish(),
        cachedContentTokenCount: z.number().nullish(),
      })
      .nullish(),
    promptFeedback: z.looseObject({ blockReason: z.string().nullish() }).nullish(),
    error: z.looseObject({ code: z.number().nullish(), message: z.string().nullish() }).nullish(),
  }),
);

export type GenerateContentResponse = z.infer<ReturnType<typeof generateContentResponseSchema>>;
