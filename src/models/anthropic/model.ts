import { parseReply } from "../shared/parse-reply.js";
import { ResponseAssembler } from "../shared/response-assembler.js";
import { runTurn } from "../shared/run-turn.js";
import type { ModelConfig } from "../shared/settings.js";
import { parseToolArguments } from "../shared/tool-arguments.js";
import type { Model, ModelRequest, ModelResponse } from "../spec.js";
import { messageSchema } from "./api.js";
import { convertMessages } from "./convert-messages.js";
import { mapStopReason } from "./map-finish-reason.js";
import { prepareTools } from "./prepare-tools.js";
import { readMessageStream } from "./stream.js";
import { ThinkingBlocks } from "./thinking.js";
import { mergeUsage } from "./usage.js";

/** `headers` carry auth and the API version; `defaultParameters` must hold `max_tokens`. */
export interface AnthropicConfig extends ModelConfig {
  /** Full URL of the Messages endpoint. */
  url: string;
}

/** A `Model` speaking Anthropic's Messages API. */
export class AnthropicModel implements Model {
  readonly format = "anthropic";
  readonly modelName: string;

  constructor(private readonly config: AnthropicConfig) {
    this.modelName = config.settings.model;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { settings } = this.config;
    const tools = prepareTools(request);
    const body: Record<string, unknown> = {
      ...this.config.defaultParameters,
      model: settings.model,
      ...convertMessages(request.messages, tools.names),
      ...tools.body,
    };
    const streaming = request.onDelta !== undefined;
    delete body.stream;
    if (streaming) body.stream = true;
    // Tool input arrives as an object (or, streamed, as JSON text that is empty for tools without input).
    const parse = (name: string, text: string) => parseToolArguments(name, text, true);
    const assembler = new ResponseAssembler(request.messages, tools.names, parse, request.onDelta);
    const providerRequest = {
      url: this.config.url,
      headers: this.config.headers(),
      body,
      signal: request.signal,
    };
    const response = await runTurn(settings, providerRequest, assembler, streaming, {
      stream: async (response) => {
        const stop = await readMessageStream(settings, response, assembler);
        return { stopReason: mapStopReason(stop), raw: { streamed: true, stop_reason: stop } };
      },
      body: (raw) => {
        const message = parseReply(settings, messageSchema(), raw, "response body");
        const thinking = new ThinkingBlocks();
        (message.content ?? []).forEach((block, index) => {
          if (block.type === "text") assembler.text(String(index), block.text ?? "");
          thinking.add(String(index), block);
          if (block.type === "tool_use") {
            assembler.toolStart(String(index), block.id, block.name ?? "", thinking.forNextCall());
            assembler.toolArguments(String(index), JSON.stringify(block.input ?? {}));
          }
        });
        mergeUsage(assembler.usage, message.usage);
        return mapStopReason(message.stop_reason);
      },
    });
    return tools.read(response);
  }
}
