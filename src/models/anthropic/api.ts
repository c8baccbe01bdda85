import { z } from "zod";
import { lazySchema } from "../shared/parse-reply.js";

/**
 * Minimal schemas of the Messages API replies Fairway reads (Anthropic API reference, "Messages" and
 * "Streaming Messages"). Unknown fields and block types pass.
 */
const usage = () =>
  z
    .looseObject({
      input_tokens: z.number().nullish(),
      output_tokens: z.number().nullish(),
      cache_creation_input_tokens: z.number().nullish(),
      cache_read_input_tokens: z.number().nullish(),
    })
    .nullish();

const block = () =>
  z.looseObject({
    type: z.string(),
    text: z.string().nullish(),
    id: z.string().nullish(),
    name: z.string().nullish(),
    input: z.unknown().optional(),
    thinking: z.string().nullish(),
    signature: z.string().nullish(),
    data: z.string().nullish(),
  });

export const messageSchema = lazySchema(() =>
  z.looseObject({ content: z.array(block()).nullish(), stop_reason: z.string().nullish(), usage: usage() }),
);

export const streamEventSchema = lazySchema(() =>
  z.looseObject({
    type: z.string(),
    index: z.number().nullish(),
    message: z.looseObject({ usage: usage() }).nullish(),
    content_block: block().nullish(),
    delta: z
      .looseObject({
        type: z.string().nullish(),
        text: z.string().nullish(),
        partial_json: z.string().nullish(),
        thinking: z.string().nullish(),
        signature: z.string().nullish(),
        stop_reason: z.string().nullish(),
      })
      .nullish(),
    usage: usage(),
    error: z.looseObject({ type: z.string().nullish(), message: z.string().nullish() }).nullish(),
  }),
);

export type AnthropicUsage = z.infer<ReturnType<typeof messageSchema>>["usage"];
