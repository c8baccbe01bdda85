import type { Agent } from "../agents/agent.js";
import type { AgentResultExport } from "../agents/agent-result.js";
import type { Network } from "../agents/network.js";
import { createState } from "../agents/state.js";
import type { FairwayFunction } from "../engine/registered-function.js";
import { NonRetriableError } from "../errors/non-retriable-error.js";
import type { AnyFairway } from "../fairway.js";
import type { StreamingConfig } from "../streaming/streaming-context.js";

/** What an agent or network function receives as `event.data`. */
export interface AgentEventData {
  /** The user message. */
  input: string;
  /** The thread: networks continue it (history); both put their stream chunks on it. */
  threadId?: string;
  /** The tenant the thread belongs to. */
  userId?: string;
}

/** The stored output of a network function: the thread, the state data and every agent call's result. */
export interface NetworkFunctionOutput {
  threadId?: string;
  data: Record<string, unknown>;
  results: AgentResultExport[];
}

/** AgentKit's slug: lower case, runs of anything but letters and digits become one `-`, no `-` at the ends. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * Makes each agent a function `agent-<slug>` triggered by `<appId>/agent-<slug>`, and each network
 * `network-<slug>` triggered by `<appId>/network-<slug>`, as AgentKit's `createServer` does. The handler
 * runs `agent.run(event.data.input)` / `network.run(event.data.input, { threadId, userId })` and publishes
 * its agent events to `streaming` (the thread streams).
 *
 * @throws ConfigError (from `createFunction`) when two agents or networks have the same slug.
 */
export function agentFunctions(
  client: AnyFairway,
  options: { agents: Agent[]; networks: Network[]; streaming: StreamingConfig },
): FairwayFunction[] {
  const { agents, networks, streaming } = options;
  const define = (
    kind: "agent" | "network",
    name: string,
    run: (data: AgentEventData) => Promise<unknown>,
  ) => {
    const id = `${kind}-${slugify(name)}`;
    return client.createFunction({ id, name }, { event: `${client.id}/${id}` }, ({ event }) =>
      run(agentInput(event.data)),
    );
  };
  return [
    ...agents.map((agent) =>
      define("agent", agent.name, async (data) => {
        // A thread and a tenant put the agent's stream chunks on that thread (what clients follow).
        const scoped = data.threadId !== undefined || data.userId !== undefined;
        const state = scoped
          ? createState(data.userId !== undefined ? { userId: data.userId } : {}, {
              ...(data.threadId !== undefined && { threadId: data.threadId }),
            })
          : undefined;
        return (await agent.run(data.input, { streaming, ...(state && { state }) })).export();
      }),
    ),
    ...networks.map((network) =>
      define("network", network.name, async (data) => {
        const run = await network.run(data.input, {
          streaming,
          ...(data.threadId !== undefined && { threadId: data.threadId }),
          ...(data.userId !== undefined && { userId: data.userId }),
        });
        const output: NetworkFunctionOutput = {
          data: run.state.data,
          results: run.state.results.map((result) => result.export()),
        };
        if (run.state.threadId !== undefined) output.threadId = run.state.threadId;
        return output;
      }),
    ),
  ];
}

/** Checks `event.data` of an agent or network event. @throws NonRetriableError naming the bad field */
function agentInput(data: Record<string, unknown>): AgentEventData {
  if (typeof data.input !== "string") {
    throw new NonRetriableError(
      "event.data.input must be a string: the user message for the agent or network.",
    );
  }
  for (const field of ["threadId", "userId"] as const) {
    if (data[field] !== undefined && typeof data[field] !== "string") {
      throw new NonRetriableError(`event.data.${field} must be a string when given.`);
    }
  }
  return data as unknown as AgentEventData;
}
