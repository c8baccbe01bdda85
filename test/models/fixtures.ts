import { afterEach } from "vitest";
import { z } from "zod";
import { anthropic } from "../../src/models/anthropic.js";
import { gemini } from "../../src/models/gemini.js";
import { openai } from "../../src/models/openai.js";
import type {
  JsonSchema,
  Message,
  Model,
  ModelDelta,
  ToolDefinition,
  ToolMessage,
} from "../../src/models/spec.js";
import {
  type FakeProviderServer,
  type FakeTurn,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAi,
} from "../helpers/fake-provider/index.js";

export const paris: ToolMessage = {
  type: "tool",
  id: "call_paris",
  name: "get_weather",
  input: { city: "Paris" },
};
export const oslo: ToolMessage = {
  type: "tool",
  id: "call_oslo",
  name: "get_weather",
  input: { city: "Oslo" },
};

/** A multi-turn conversation: system, user, assistant text + two parallel calls, their results, then user text. */
export const conversation: Message[] = [
  { type: "text", role: "system", content: "You are a weather bot." },
  { type: "text", role: "user", content: "Weather in Paris and Oslo?" },
  { type: "text", role: "assistant", content: "Let me check both." },
  { type: "tool_call", role: "assistant", tools: [paris, oslo], stop_reason: "tool" },
  {
    type: "tool_result",
    role: "tool_result",
    tool: paris,
    content: { data: { celsius: 18 } },
    stop_reason: "tool",
  },
  {
    type: "tool_result",
    role: "tool_result",
    tool: oslo,
    content: { error: "station offline" },
    stop_reason: "tool",
  },
  { type: "text", role: "user", content: "Also check Rome, please." },
];

export const weatherTool: ToolDefinition = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: z.object({ city: z.string(), unit: z.enum(["c", "f"]).optional() }),
};

/** A tool whose name providers reject (a dot) and a tool without parameters. */
export const dottedTool: ToolDefinition = { name: "docs.search", description: "Search the docs" };

export const tools: ToolDefinition[] = [weatherTool, dottedTool];

/** Collects deltas for streaming assertions. */
export function deltaRecorder(): { deltas: ModelDelta[]; onDelta: (delta: ModelDelta) => void } {
  const deltas: ModelDelta[] = [];
  return { deltas, onDelta: (delta) => deltas.push(delta) };
}

/** The output of an assistant turn with text and tool calls (`[id, name, input]`), as adapters return it. */
export function assistantTurn(
  text: string,
  calls: Array<[string, string, Record<string, unknown>]>,
): Message[] {
  const stop = calls.length > 0 ? "tool" : "stop";
  const out: Message[] = text ? [{ type: "text", role: "assistant", content: text, stop_reason: stop }] : [];
  if (calls.length > 0) {
    const toolMessages = calls.map(([id, name, input]): ToolMessage => ({ type: "tool", id, name, input }));
    out.push({ type: "tool_call", role: "assistant", stop_reason: "tool", tools: toolMessages });
  }
  return out;
}

export type FormatName = "openai" | "anthropic" | "gemini";

/** Starts the fake server of a format and a model pointed at it (key `"k"`). */
export async function fakeModel(
  format: FormatName,
  turns: FakeTurn[] = [],
): Promise<{ server: FakeProviderServer & { baseUrl: string }; model: Model }> {
  if (format === "openai") {
    const server = await startFakeOpenAi(turns);
    return { server, model: openai({ model: "gpt-4o", apiKey: "k", baseUrl: server.baseUrl }) };
  }
  if (format === "anthropic") {
    const server = await startFakeAnthropic(turns);
    return { server, model: anthropic({ model: "claude", apiKey: "k", baseUrl: server.baseUrl }) };
  }
  const server = await startFakeGemini(turns);
  return { server, model: gemini({ model: "gemini-2.5-flash", apiKey: "k", baseUrl: server.baseUrl }) };
}

/** The tool definitions a format's request body carries (OpenAI's `function` objects, Gemini's declarations). */
export function sentToolDefinitions(format: FormatName, body: { tools: unknown[] }): JsonSchema[] {
  if (format === "openai") return body.tools.map((tool) => (tool as { function: JsonSchema }).function);
  if (format === "anthropic") return body.tools as JsonSchema[];
  return (body.tools[0] as { functionDeclarations: JsonSchema[] }).functionDeclarations;
}

/** Registers an `afterEach` in the calling suite that closes every server passed to the returned `track`. */
export function closeServersAfterEach(): <T extends FakeProviderServer>(server: T) => T {
  const servers: FakeProviderServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return (server) => {
    servers.push(server);
    return server;
  };
}
