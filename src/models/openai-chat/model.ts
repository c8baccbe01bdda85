import { InvalidResponseError } from "../../errors/invalid-response-error.js";
import { toolParametersSchema } from "../shared/json-schema.js";
import { parseReply } from "../shared/parse-reply.js";
import { type ArgumentParser, ResponseAssembler } from "../shared/response-assembler.js";
import { runTurn } from "../shared/run-turn.js";
import type { ModelConfig } from "../shared/settings.js";
import { parseToolArguments } from "../shared/tool-arguments.js";
import type { Model, ModelRequest, ModelResponse } from "../spec.js";
import { chatCompletionSchema } from "./api.js";
import { convertMessages } from "./convert-messages.js";
import { mapFinishReason } from "./map-finish-reason.js";
import { prepareOutput } from "./prepare-output.js";
import { type PreparedTools, prepareTools } from "./prepare-tools.js";
import { readChatStream } from "./stream.js";
import { dropOptionalNulls } from "./strict-schema.js";
import { mapUsage } from "./usage.js";

/** Everything an OpenAI chat-completions endpoint needs; built by `openai`, `grok` and `azureOpenai`. */
export interface OpenAiChatConfig extends ModelConfig {
  /** `"openai-chat"`, `"grok"` or `"azure-openai"`. */
  format: string;
  /** Full URL of the chat-completions endpoint. */
  url: string;
  /** False for providers without strict mode (Grok): `strict` is never sent. */
  allowStrict: boolean;
}

/** A `Model` speaking OpenAI's chat-completions wire format (OpenAI, Azure OpenAI, Grok, compatible servers). */
export class OpenAiChatModel implements Model {
  readonly format: string;
  readonly modelName: string;

  constructor(private readonly config: OpenAiChatConfig) {
    this.format = config.format;
    this.modelName = config.settings.model;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { settings } = this.config;
    const tools = prepareTools(request, this.config.allowStrict);
    const output = prepareOutput(request, this.config.allowStrict);
    const body: Record<string, unknown> = {
      ...this.config.defaultParameters,
      model: settings.model,
      messages: convertMessages(request.messages, tools.names),
      ...tools.body,
      ...output.body,
    };
    const streaming = request.onDelta !== undefined;
    delete body.stream;
    delete body.stream_options;
    if (streaming) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
    const assembler = new ResponseAssembler(
      request.messages,
      tools.names,
      argumentParser(request, tools),
      request.onDelta,
    );
    const providerRequest = {
      url: this.config.url,
      headers: this.config.headers(),
      body,
      signal: request.signal,
    };
    const response = await runTurn(settings, providerRequest, assembler, streaming, {
      stream: async (response) => {
        const end = await readChatStream(settings, response, assembler);
        return { stopReason: mapFinishReason(end.finishReason), raw: { streamed: true, ...end } };
      },
      body: (raw) => {
        const completion = parseReply(settings, chatCompletionSchema(), raw, "response body");
        const choice = completion.choices?.[0];
        if (!choice) {
          throw new InvalidResponseError(
            settings.provider,
            settings.model,
            "no choices in the response",
            JSON.stringify(raw),
          );
        }
        assembler.text("content", choice.message?.content ?? "");
        assembler.text("refusal", choice.message?.refusal ?? "");
        choice.message?.tool_calls?.forEach((call, index) => {
          assembler.toolStart(String(index), call.id, call.function.name);
          assembler.toolArguments(String(index), call.function.arguments ?? "");
        });
        Object.assign(assembler.usage, mapUsage(completion.usage));
        return mapFinishReason(choice.finish_reason);
      },
    });
    return { ...response, output: output.read(response.output) };
  }
}

/** Empty arguments are `{}` only for tools without properties; strict-mode `null`s of optional fields are dropped. */
function argumentParser(request: ModelRequest, tools: PreparedTools): ArgumentParser {
  return (name, text) => {
    const tool = request.tools?.find((candidate) => candidate.name === name);
    const properties = tool ? toolParametersSchema(tool).properties : undefined;
    const takesNothing = properties !== undefined && Object.keys(properties as object).length === 0;
    const parsed = parseToolArguments(name, text, takesNothing);
    const optionalPaths = tools.optionalPaths.get(name);
    if (optionalPaths && !parsed.inputError) dropOptionalNulls(parsed.input, optionalPaths);
    return parsed;
  };
}
