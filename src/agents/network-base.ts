/**
 * What a network and each run of it share: the agents, the router, the default model, the agent-call limit,
 * a state and the history config, with the checks on them. `Network` (the configuration that `network.run`
 * starts from) and `NetworkRun` (one run, what tools and routers see) both extend it; running is the job
 * of `run-network.ts`.
 *
 * @module
 */
import { ConfigError } from "../errors/config-error.js";
import type { Model } from "../models/spec.js";
import type { Agent } from "./agent.js";
import type { AgentResult } from "./agent-result.js";
import type { HistoryConfig } from "./history/history-config.js";
import type { NetworkRun } from "./network-run.js";
import type { RoutingAgent } from "./routing-agent.js";
import { State } from "./state.js";
import { assertMaxIter, type MaybePromise, type StateData, type UserMessage } from "./types.js";
import { uniqueNames } from "./unique-names.js";

/** What a code router receives. */
export interface RouterArgs<T extends StateData = StateData> {
  /** The user's input text. */
  input: string;
  userMessage?: UserMessage;
  network: NetworkRun<T>;
  /** Agents still queued to run. */
  stack: Agent<T>[];
  /** Agent calls made so far in this run (strictly increasing; 0 before the first). */
  callCount: number;
  /** The last result in the state (possibly from loaded history). */
  lastResult?: AgentResult;
}

/** A code router: the next agent(s), a routing agent to ask, or `undefined` to finish. */
export type FnRouter<T extends StateData = StateData> = (
  args: RouterArgs<T>,
) => MaybePromise<Agent<T> | Agent<T>[] | RoutingAgent<T> | undefined>;

/** A network's router: a code router (`FnRouter`) or a routing agent whose `onRoute` names the next agents. */
export type Router<T extends StateData = StateData> = FnRouter<T> | RoutingAgent<T>;

/** Options of `createNetwork`. */
export interface NetworkOptions<T extends StateData = StateData> {
  name: string;
  description?: string;
  agents: Agent<T>[];
  /** Model for agents without their own, and for the default routing agent. */
  defaultModel?: Model;
  router?: Router<T>;
  /** AgentKit's legacy name for `router`; takes precedence. */
  defaultRouter?: Router<T>;
  /** Maximum agent calls per run; `0` (default) means no limit. Router calls do not count. */
  maxIter?: number;
  /** The state each run starts from (cloned per run). Default: an empty state. */
  defaultState?: State<T>;
  history?: HistoryConfig<T>;
}

/** The fields and agent list of a network (see the module doc); `Network` and `NetworkRun` add `run`. */
export class NetworkBase<T extends StateData = StateData> {
  readonly name: string;
  readonly description: string;
  /** Agents by name, including ones a router added on the fly. */
  readonly agents: Map<string, Agent<T>>;
  state: State<T>;
  readonly defaultModel: Model | undefined;
  readonly router: Router<T> | undefined;
  readonly maxIter: number;
  readonly history: HistoryConfig<T> | undefined;

  /**
   * @throws ConfigError at `name` when it is empty, at `maxIter` when it is not a whole number >= 0, at
   *   `agents[i].name` when two agents share a name.
   */
  constructor(options: NetworkOptions<T>) {
    if (typeof options.name !== "string" || options.name.length === 0) {
      throw new ConfigError("name", "a network needs a non-empty name", options.name);
    }
    const maxIter = options.maxIter ?? 0;
    assertMaxIter(maxIter);
    this.name = options.name;
    this.description = options.description ?? "";
    this.agents = uniqueNames(options.agents, "agents", "agent", `network "${this.name}"`);
    this.state = options.defaultState ?? new State<T>();
    this.defaultModel = options.defaultModel;
    this.router = options.defaultRouter ?? options.router;
    this.maxIter = maxIter;
    this.history = options.history;
  }

  /** Agents whose `lifecycle.enabled` allows them (all by default), in insertion order. */
  async availableAgents(): Promise<Agent<T>[]> {
    const agents: Agent<T>[] = [];
    for (const agent of this.agents.values()) {
      const enabled = agent.lifecycles?.enabled
        ? await agent.lifecycles.enabled({ agent, network: this as never })
        : true;
      if (enabled) agents.push(agent);
    }
    return agents;
  }

  addAgent(agent: Agent<T>): void {
    this.agents.set(agent.name, agent);
  }
}
