import { ResponseAssembler } from "../shared/response-assembler.js";
import { runTurn } from "../shared/run-turn.js";
import { joinUrl, type ModelConfig } from "../shared/settings.js";
import { incompleteStream, readSseJson } from "../shared/sse.js";
import { parseToolArguments } from "../shared/tool-arguments.js";
import type { Model, ModelRequest, ModelResponse } from "../spec.js";
import { convertMessages } from "./convert-messages.js";
import { generationConfig } from "./prepare-output.js";
import { prepareTools } from "./prepare-tools.js";
import { GeminiResponseReader } from "./read-response.js";

/** `defaultParameters` holds e.g. `generationConfig` and `safetySettings`. */
export interface GeminiConfig extends ModelConfig {
  /** Base URL up to the API version, e.g. `https://generativelanguage.googleapis.com/v1beta`. */
  baseUrl: string;
}

/** A `Model` speaking Gemini's `generateContent` / `streamGenerateContent` API. */
export class GeminiModel implements Model {
  readonly format = "gemini";
  readonly modelName: string;

  constructor(private readonly config: GeminiConfig) {
    this.modelName = config.settings.model;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { settings } = this.config;
    const tools = prepareTools(request);
    const body: Record<string, unknown> = {
      ...this.config.defaultParameters,
      ...convertMessages(request.messages, tools.names),
      ...tools.body,
    };
    const config = generationConfig(request, this.config.defaultParameters.generationConfig);
    if (config) body.generationConfig = config;
    const streaming = request.onDelta !== undefined;
    const model = settings.model.replace(/^models\//, "");
    const method = streaming ? "streamGenerateContent?alt=sse" : "generateContent";
    const url = joinUrl(this.config.baseUrl, `/models/${encodeURIComponent(model)}:${method}`);
    const parse = (name: string, text: string) => parseToolArguments(name, text, true);
    const assembler = new ResponseAssembler(request.messages, tools.names, parse, request.onDelta);
    const reader = new GeminiResponseReader(settings, assembler);
    const providerRequest = { url, headers: this.config.headers(), body, signal: request.signal };
    const response = await runTurn(settings, providerRequest, assembler, streaming, {
      stream: async (response) => {
        await readSseJson(settings, response, ({ data }) => reader.add(data));
        if (!reader.finished) throw incompleteStream(settings, "finishReason");
        return {
          stopReason: reader.stopReason(),
          raw: { streamed: true, finishReason: reader.finishReason },
        };
      },
      body: (raw) => {
        reader.add(raw);
        return reader.stopReason();
      },
    });
    return tools.read(response);
  }
}
