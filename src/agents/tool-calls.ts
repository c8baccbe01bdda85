import type { z } from "zod";
import { FairwayError } from "../errors/fairway-error.js";
import { InvalidToolArgumentsError } from "../errors/invalid-tool-arguments-error.js";
import { ToolCallError } from "../errors/tool-call-error.js";
import { UnknownToolError } from "../errors/unknown-tool-error.js";
import { zodIssues } from "../errors/zod-issues.js";
import type { ToolMessage, ToolResultMessage } from "../models/spec.js";
import type { Agent } from "./agent.js";
import type { RunScope } from "./durable.js";
import { traceToolCall } from "./gen-ai-spans.js";
import type { NetworkRun } from "./network-run.js";
import type { AnyTool, ToolErrorPayload, ToolHandlerOptions, ToolResultPayload } from "./tool.js";
import type { StateData } from "./types.js";
import { runUserCode } from "./user-code-step.js";

/** What executing one turn's tool calls needs. */
export interface ToolCallContext<T extends StateData> {
  /** The agent's tools by name (a Map: no prototype names can match). */
  tools: Map<string, AnyTool>;
  agent: Agent<T>;
  network: NetworkRun<T>;
  /** Scope of this turn; each call is step `<prefix>/tool-<index>-<name>` (see `runUserCode`). */
  scope: RunScope;
}

/**
 * Runs every tool call of one turn, all at once, and returns their results in call order. No call can
 * fail the run: an unknown tool, unusable or invalid arguments, and a handler's throw (sync or async) all
 * become `{ error }` results; a value becomes `{ data }` (`undefined` becomes AgentKit's
 * `"<name> successfully executed"`). Inside a Fairway function each call is a step (see `runUserCode`), so
 * a replay returns the stored result without running the handler again.
 */
export function runToolCalls<T extends StateData>(
  calls: ToolMessage[],
  context: ToolCallContext<T>,
): Promise<ToolResultMessage[]> {
  const { agent, network } = context;
  return Promise.all(
    calls.map(async (call, index) => {
      const content = await runUserCode(
        context.scope,
        `tool-${index}-${call.name}`,
        network.state.data,
        (step) =>
          traceToolCall(call.name, call.id, () => runToolCall(call, context.tools, { agent, network, step })),
      );
      return { type: "tool_result", role: "tool_result", tool: call, content, stop_reason: "tool" } as const;
    }),
  );
}

async function runToolCall<T extends StateData>(
  call: ToolMessage,
  tools: Map<string, AnyTool>,
  options: ToolHandlerOptions<T>,
): Promise<ToolResultPayload> {
  try {
    const tool = tools.get(call.name);
    if (!tool) throw new UnknownToolError(call.name, call.id, [...tools.keys()]);
    const input = parseArguments(tool, call);
    const value = await tool.handler(input, options);
    if (value === undefined) return { data: `${tool.name} successfully executed` };
    assertJson(value, call);
    return { data: value };
  } catch (error) {
    return { error: toErrorPayload(error) };
  }
}

/** Checks the call's arguments against the tool's zod schema and returns the parsed (defaulted) input. */
function parseArguments(tool: AnyTool, call: ToolMessage): unknown {
  if (call.inputError !== undefined) {
    throw new InvalidToolArgumentsError(call.name, call.id, [{ path: "", message: call.inputError }]);
  }
  if (!isZodSchema(tool.parameters)) return call.input;
  const parsed = tool.parameters.safeParse(call.input);
  if (parsed.success) return parsed.data;
  throw new InvalidToolArgumentsError(call.name, call.id, zodIssues(parsed.error.issues));
}

/**
 * The model (and, in a durable run, the step store) gets a tool's value as JSON, so a value JSON cannot
 * hold (a BigInt, a cycle, a throwing `toJSON`) is the tool's failure, reported to the model like a throw.
 *
 * @throws ToolCallError (code `tool_result_invalid`) with the serializer's error as `cause`.
 */
function assertJson(value: unknown, call: ToolMessage): void {
  try {
    JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ToolCallError(
      call.name,
      call.id,
      `Tool "${call.name}" returned a value that is not JSON: ${reason}`,
      {
        cause: error,
        code: "tool_result_invalid",
      },
    );
  }
}

function toErrorPayload(error: unknown): ToolErrorPayload {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const payload: ToolErrorPayload = { name: error.name, message: error.message };
  if (FairwayError.isInstance(error)) payload.code = error.code;
  return payload;
}

/** A zod schema, from this copy of zod or another (duck-typed: an app may bundle its own zod). */
function isZodSchema(value: unknown): value is z.ZodType {
  return typeof (value as { safeParse?: unknown } | undefined)?.safeParse === "function";
}
