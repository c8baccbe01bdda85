import { z } from "zod";
import { ConfigError } from "../errors/config-error.js";
import { Agent, type AgentLifecycle, type AgentOptions } from "./agent.js";
import type { AgentResult } from "./agent-result.js";
import type { NetworkRun } from "./network-run.js";
import { createTool } from "./tool.js";
import type { StateData } from "./types.js";

/** A routing agent's lifecycle: `onRoute` (required, synchronous) turns its result into agent names. */
export interface RoutingLifecycle<T extends StateData = StateData> extends AgentLifecycle<T> {
  /** Names of the agents to run next; `undefined` or `[]` ends the network run. Unknown names are dropped. */
  onRoute(args: {
    agent: RoutingAgent<T>;
    network?: NetworkRun<T>;
    result: AgentResult;
  }): string[] | undefined;
}

/** Options of `createRoutingAgent`: an agent's options, with a `lifecycle` that must have `onRoute`. */
export interface RoutingAgentOptions<T extends StateData = StateData>
  extends Omit<AgentOptions<T>, "lifecycle"> {
  lifecycle: RoutingLifecycle<T>;
}

/** An agent that picks the next agents of a network (AgentKit's `RoutingAgent`). Its results are not stored in the state. */
export class RoutingAgent<T extends StateData = StateData> extends Agent<T> {
  override readonly type = "routing" as const;
  declare readonly lifecycles: RoutingLifecycle<T>;

  constructor(options: RoutingAgentOptions<T>) {
    if (typeof options.lifecycle?.onRoute !== "function") {
      throw new ConfigError("lifecycle.onRoute", "a routing agent needs an onRoute function");
    }
    super(options);
  }
}

/** Creates a routing agent; use it as a network's `router`. */
export function createRoutingAgent<T extends StateData = StateData>(
  options: RoutingAgentOptions<T>,
): RoutingAgent<T> {
  return new RoutingAgent<T>(options);
}

let defaultRouter: RoutingAgent | undefined;

/**
 * The LLM router a network uses when it has a `defaultModel` and no `router`: one inference with
 * `tool_choice: "any"` and two tools, `select_agent({ name, reason? })` and `done({ summary? })`. An
 * invented agent name gives `select_agent` an `{ error }` result, and the run ends (AgentKit crashed).
 */
export function getDefaultRoutingAgent(): RoutingAgent {
  defaultRouter ??= createRoutingAgent({
    name: "Default routing agent",
    description: "Selects which agent works next, or finishes the conversation.",
    tool_choice: "any",
    tools: [
      createTool({
        name: "select_agent",
        description: "Select the agent that should work on the task next.",
        parameters: z
          .object({ name: z.string().describe("The agent's name"), reason: z.string().optional() })
          .strict(),
        handler: ({ name }, { network }) => {
          if (!network.agents.has(name))
            throw new Error(`No agent named "${name}" in network "${network.name}".`);
          return name;
        },
      }),
      createTool({
        name: "done",
        description: "Call when the request is fully handled and no agent needs to run.",
        parameters: z.object({ summary: z.string().optional() }).strict(),
        handler: ({ summary }) => summary ?? "Conversation completed successfully",
      }),
    ],
    system: async ({ network }) => {
      const agents = network ? await network.availableAgents() : [];
      const list = agents
        .map((agent) => {
          const tools = [...agent.tools.values()].map((tool) => ({
            name: tool.name,
            description: tool.description,
          }));
          return `- ${agent.name}: ${agent.description}\n  tools: ${JSON.stringify(tools)}`;
        })
        .join("\n");
      return [
        "You are the orchestrator of a team of agents. Read the conversation so far and decide who works next.",
        `The agents:\n${list}`,
        "Call select_agent with the name of exactly one listed agent when more work is needed.",
        "Call done when the user's request has been fully handled.",
      ].join("\n\n");
    },
    lifecycle: {
      onRoute: ({ result }) => {
        const first = result.toolCalls[0];
        if (first?.tool.name !== "select_agent") return undefined;
        const content = first.content as { data?: unknown };
        return typeof content.data === "string" ? [content.data] : undefined;
      },
    },
  });
  return defaultRouter;
}
