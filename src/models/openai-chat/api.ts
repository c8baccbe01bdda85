import { z } from "zod";
import { lazySchema } from "../shared/parse-reply.js";

/**
 * Minimal schemas of the chat-completions replies Fairway reads (OpenAI API reference, "Chat
 * Completions": the response object and the `chat.completion.chunk` stream object). Unknown fields pass;
 * absent or `null` fields are tolerated.
 */
const usage = () =>
  z
    .looseObject({
      prompt_tokens: z.number().nullish(),
      completion_tokens: z.number().nullish(),
      prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
    })
    .nullish();

/** An assistant message (whole, or a stream delta): text, refusal and tool calls of the given shape. */
const message = <T extends z.ZodType>(toolCall: T) =>
  z
    .looseObject({
      content: z.string().nullish(),
      refusal: z.string().nullish(),
      tool_calls: z.array(toolCall).nullish(),
    })
    .nullish();

export const chatCompletionSchema = lazySchema(() =>
  z.looseObject({
    choices: z
      .array(
        z.looseObject({
          message: message(
            z.looseObject({
              id: z.string().nullish(),
              function: z.looseObject({ name: z.string(), arguments: z.string().nullish() }),
            }),
          ),
          finish_reason: z.string().nullish(),
        }),
      )
      .nullish(),
    usage: usage(),
  }),
);

export const chatCompletionChunkSchema = lazySchema(() =>
  z.looseObject({
    choices: z
      .array(
        z.looseObject({
          delta: message(
            z.looseObject({
              index: z.number().nullish(),
              id: z.string().nullish(),
              function: z
                .looseObject({ name: z.string().nullish(), arguments: z.string().nullish() })
                .nullish(),
            }),
          ),
          finish_reason: z.string().nullish(),
        }),
      )
      .nullish(),
    usage: usage(),
    error: z.looseObject({ message: z.string().nullish(), code: z.unknown().optional() }).nullish(),
  }),
);

export type ChatCompletion = z.infer<ReturnType<typeof chatCompletionSchema>>;
export type ChatCompletionChunk = z.infer<ReturnType<typeof chatCompletionChunkSchema>>;
