import type { z } from "zod";
import type { StepTools } from "../engine/step-types.js";
import type { JsonSchema, ToolChoice } from "../models/spec.js";
import type { Agent } from "./agent.js";
import type { NetworkRun } from "./network-run.js";
import type { MaybePromise, StateData } from "./types.js";

/** What a tool handler receives besides its input. */
export interface ToolHandlerOptions<T extends StateData = StateData> {
  agent: Agent<T>;
  /** The network run; a standalone `agent.run` gets a one-agent network, so this is always set. */
  network: NetworkRun<T>;
  /**
   * The Fairway step tools inside a Fairway function (`step.run`, `step.waitForEvent`, `step.invoke`...),
   * `undefined` outside one (as in AgentKit).
   */
  step: StepTools | undefined;
}

/**
 * A tool an agent can call. `parameters` is a zod schema (arguments are validated and defaults applied
 * before `handler` runs) or, for MCP tools, the server's JSON Schema (the server validates).
 */
// biome-ignore lint/suspicious/noExplicitAny: like AgentKit, an untyped tool accepts any input.
export interface Tool<TInput = any, TOutput = unknown, T extends StateData = StateData> {
  name: string;
  description?: string;
  parameters?: z.ZodType<TInput> | JsonSchema;
  /** OpenAI strict mode for this tool's arguments. Default: the provider adapter's default. */
  strict?: boolean;
  handler: (input: TInput, options: ToolHandlerOptions<T>) => MaybePromise<TOutput>;
  /** Set on tools that call an MCP server. */
  mcp?: { server: string; tool: string };
}

// biome-ignore lint/suspicious/noExplicitAny: a tool list holds tools of any input and output types.
export type AnyTool = Tool<any, any, any>;

/**
 * Tool namespace types, under AgentKit's names: `Tool.Any`, `Tool.Choice`, `Tool.Options<T>` (what a
 * handler receives besides its input; AgentKit's quick start annotates handlers with it) and `Tool.Input`
 * (a zod schema).
 */
export declare namespace Tool {
  // biome-ignore lint/suspicious/noExplicitAny: AgentKit's `Tool.Any`.
  type Any = Tool<any, any, any>;
  type Choice = ToolChoice;
  type Options<T extends StateData = StateData> = ToolHandlerOptions<T>;
  type Input = z.ZodType;
}

/** The success or failure envelope a tool call produces, as the model sees it (AgentKit's convention). */
export type ToolResultPayload<T = unknown> = { data: T } | { error: ToolErrorPayload };

/** A failure as the model sees it: the error's name, message and (for Fairway errors) code. */
export interface ToolErrorPayload {
  name: string;
  message: string;
  code?: string;
}

/**
 * Creates a tool. `parameters` must be a zod object schema (or omitted for a tool without arguments);
 * the handler receives the parsed output of the schema (defaults applied).
 *
 * @example
 * const add = createTool({
 *   name: "add",
 *   parameters: z.object({ a: z.number(), b: z.number() }),
 *   handler: ({ a, b }) => a + b,
 * });
 */
export function createTool<
  TParameters extends z.ZodType = z.ZodType<Record<string, never>>,
  TOutput = unknown,
  T extends StateData = StateData,
>(tool: {
  name: string;
  description?: string;
  parameters?: TParameters;
  strict?: boolean;
  handler: (input: z.output<TParameters>, options: ToolHandlerOptions<T>) => MaybePromise<TOutput>;
}): Tool<z.output<TParameters>, TOutput, T> {
  return { ...tool } as Tool<z.output<TParameters>, TOutput, T>;
}

/** AgentKit's manifest helper, for typing UIs: tool name → `{ input, output }`. Values are empty at runtime. */
export function createToolManifest<const Tools extends readonly AnyTool[]>(
  tools: Tools,
): {
  [K in Tools[number] as K["name"]]: {
    input: Parameters<K["handler"]>[0];
    output: ToolResultPayload<Awaited<ReturnType<K["handler"]>>>;
  };
} {
  return Object.fromEntries(tools.map((tool) => [tool.name, { input: {}, output: {} }])) as never;
}
