/**
 * `Agent`: an agent as configuration (AgentKit's `Agent`): prompt, model, tools, lifecycle, output schema.
 * `agent.run` hands it to `runAgent` (`run-agent.ts`); networks call it through `runNetwork`.
 *
 * @module
 */
import { ConfigError } from "../errors/config-error.js";
import type { McpServer } from "../mcp/mcp-server.js";
import type { Model, ToolChoice } from "../models/spec.js";
import type { StreamingConfig } from "../streaming/streaming-context.js";
import type { AgentResult } from "./agent-result.js";
import { type FunctionLike, functionTool, isFairwayFunction } from "./function-tool.js";
import type { HistoryConfig } from "./history/history-config.js";
import type { NetworkRun } from "./network-run.js";
import { runAgent } from "./run-agent.js";
import type { State } from "./state.js";
import { type AgentOutput, type AgentOutputOptions, agentOutput } from "./structured-output.js";
import type { AnyTool } from "./tool.js";
import type { MaybePromise, Message, StateData, UserMessage } from "./types.js";
import { uniqueNames } from "./unique-names.js";

/** AgentKit's lifecycle hooks. `onStart` may rewrite the prompt and history or stop the call. */
export interface AgentLifecycle<T extends StateData = StateData> {
  /** False hides the agent from routers (`network.availableAgents()`). */
  enabled?(args: { agent: Agent<T>; network?: NetworkRun<T> }): MaybePromise<boolean>;
  onStart?(args: {
    agent: Agent<T>;
    network?: NetworkRun<T>;
    input?: string;
    prompt: Message[];
    history?: Message[];
  }): MaybePromise<{ prompt: Message[]; history: Message[]; stop: boolean }>;
  /** Called after each inference, before tool calls run; may replace the result. */
  onResponse?(args: {
    agent: Agent<T>;
    network?: NetworkRun<T>;
    result: AgentResult;
  }): MaybePromise<AgentResult>;
  /** Called once the call is done; may replace the result. */
  onFinish?(args: {
    agent: Agent<T>;
    network?: NetworkRun<T>;
    result: AgentResult;
  }): MaybePromise<AgentResult>;
}

/**
 * Options of `createAgent` (AgentKit's `Agent.Constructor`, plus `output`). `O` is the type of
 * `result.structuredOutput`, inferred from `output.schema`.
 */
export interface AgentOptions<T extends StateData = StateData, O = unknown> {
  name: string;
  /** Read by routing agents. Default `""`. */
  description?: string;
  /**
   * The system prompt, or a function of the network run (how prompts read `network.state`).
   * @default none: the prompt has no system message (AgentKit requires it; its docs' snippets omit it)
   */
  system?: string | ((context: { network?: NetworkRun<T> }) => MaybePromise<string>);
  /** Sent as an assistant prefill after the user message. Default `""`. */
  assistant?: string;
  /** Tools, and Fairway functions (called through `step.invoke`). Names must be unique. */
  tools?: Array<AnyTool | FunctionLike>;
  /** Default `"auto"`. */
  tool_choice?: ToolChoice;
  lifecycle?: AgentLifecycle<T>;
  model?: Model;
  /** MCP servers whose tools are added on the first run (`"<server>-<tool>"`). */
  mcpServers?: McpServer[];
  /** Thread persistence for standalone `agent.run` (networks use their own `history`). */
  history?: HistoryConfig<T>;
  /**
   * Structured output: the agent's final answer must be JSON matching `output.schema`, asked for in the
   * provider's native mode (see `OutputFormat`), validated, and available typed as
   * `result.structuredOutput`. An invalid answer is fed back to the model with the validation error, up
   * to `output.retries` times (default 2); then the run throws `OutputValidationError`.
   */
  output?: AgentOutputOptions<O>;
}

/** Options of `agent.run`. */
export interface AgentRunOptions<T extends StateData = StateData> {
  /** Overrides the agent's model. */
  model?: Model;
  network?: NetworkRun<T>;
  state?: State<T>;
  /**
   * Model calls allowed in this run's tool loop. `0` (default) and `1` mean one inference plus one round of
   * tool calls (AgentKit's default); `n > 1` lets the model see tool results and call tools again, up to n
   * inferences, stopping early when it answers without tool calls.
   */
  maxIter?: number;
  /** Publish this run's events (standalone runs; networks take `streaming` in `network.run`). */
  streaming?: StreamingConfig;
}

/**
 * An agent: a system prompt, a model and tools (AgentKit's `Agent`).
 *
 * @example
 * const writer = createAgent({ name: "writer", system: "You write haiku.", model });
 * const result = await writer.run("Write about the sea");
 * @example
 * const rater = createAgent({
 *   name: "rater", system: "Rate the text.", model,
 *   output: { schema: z.object({ score: z.number().min(1).max(5), reason: z.string() }) },
 * });
 * const { structuredOutput } = await rater.run("Fairway is durable."); // { score: number; reason: string }
 */
export class Agent<T extends StateData = StateData, O = unknown> {
  readonly type: "agent" | "routing" = "agent";
  readonly name: string;
  readonly description: string;
  readonly system: NonNullable<AgentOptions<T>["system"]>;
  readonly assistant: string;
  /** Tools by name (MCP tools are added on the first run). */
  readonly tools: Map<string, AnyTool>;
  readonly tool_choice: ToolChoice | undefined;
  readonly lifecycles: AgentLifecycle<T> | undefined;
  readonly model: Model | undefined;
  readonly mcpServers: McpServer[];
  readonly history: HistoryConfig<T> | undefined;
  /** The output schema, checked (see `AgentOptions.output`). */
  readonly output: AgentOutput<O> | undefined;
  readonly #options: AgentOptions<T, O>;
  #mcpReady: Promise<void> | undefined;
  #mcpClose: (() => Promise<void>) | undefined;

  /** @throws ConfigError for an empty name, duplicate tool names or an invalid `output` (naming the field). */
  constructor(options: AgentOptions<T, O>) {
    if (typeof options.name !== "string" || options.name.length === 0) {
      throw new ConfigError("name", "an agent needs a non-empty name", options.name);
    }
    this.#options = options;
    this.name = options.name;
    this.description = options.description ?? "";
    this.system = options.system ?? "";
    this.assistant = options.assistant ?? "";
    this.tool_choice = options.tool_choice;
    this.lifecycles = options.lifecycle;
    this.model = options.model;
    this.mcpServers = options.mcpServers ?? [];
    this.history = options.history;
    this.output = options.output ? agentOutput(options.output) : undefined;
    const tools = (options.tools ?? []).map((entry) =>
      isFairwayFunction(entry) ? functionTool(entry, this.name) : (entry as AnyTool),
    );
    this.tools = uniqueNames(tools, "tools", "tool", `agent "${this.name}"`);
  }

  /** A copy of this agent using `model` (keeps every other option, unlike AgentKit's). */
  withModel(model: Model): Agent<T, O> {
    return new (this.constructor as new (options: AgentOptions<T, O>) => Agent<T, O>)({
      ...this.#options,
      model,
    });
  }

  /**
   * Runs the agent once (see `AgentRunOptions.maxIter` for the tool loop).
   *
   * @throws ConfigError when no model is given (`options.model`, the agent's, or the network's default), or
   *   when `maxIter` is not a whole number >= 0.
   * @throws OutputValidationError when the agent has an `output` schema and its answer is still invalid
   *   after `output.retries` corrections.
   */
  run(input: string | UserMessage, options: AgentRunOptions<T> = {}): Promise<AgentResult<O>> {
    return runAgent(this as Agent<T>, input, options) as Promise<AgentResult<O>>;
  }

  /** Connects the agent's MCP servers once and adds their tools. */
  initMcp(): Promise<void> {
    if (this.mcpServers.length === 0) return Promise.resolve();
    this.#mcpReady ??= import("../mcp/mcp-tools.js")
      .then(({ listMcpTools }) => listMcpTools(this.mcpServers, new Set(this.tools.keys())))
      .then(({ tools, close }) => {
        for (const tool of tools) this.tools.set(tool.name, tool);
        this.#mcpClose = close;
      })
      .catch((error: unknown) => {
        this.#mcpReady = undefined;
        throw error;
      });
    return this.#mcpReady;
  }

  /** Closes the connections to the agent's MCP servers (they reopen on the next run). */
  async closeMcp(): Promise<void> {
    const close = this.#mcpClose;
    this.#mcpReady = undefined;
    this.#mcpClose = undefined;
    if (!close) return;
    for (const tool of [...this.tools.values()]) if (tool.mcp) this.tools.delete(tool.name);
    await close();
  }
}

/** Creates an agent. See `AgentOptions`. */
export function createAgent<T extends StateData = StateData, O = unknown>(
  options: AgentOptions<T, O>,
): Agent<T, O> {
  return new Agent<T, O>(options);
}
