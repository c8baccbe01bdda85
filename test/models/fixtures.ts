import { z } from "zod";
import type { Message, ModelDelta, ToolDefinition, ToolMessage } from "../../src/models/spec.js";

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
