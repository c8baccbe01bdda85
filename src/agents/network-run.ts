/**
 * `NetworkRun`: one run of a network, what routers, tools, lifecycle hooks and history see as `network`.
 * The loop that fills it is `runNetwork` (`run-network.ts`).
 *
 * @module
 */
import { FairwayError } from "../errors/fairway-error.js";
import { NetworkBase } from "./network-base.js";
import type { State, StateJSON } from "./state.js";
import type { StateData } from "./types.js";

/**
 * Why a network run ended: `router` (it returned no agent), `maxIter` (the agent-call limit was reached;
 * the router is not asked again), `unknownAgent` (a queued name is not an agent of the run).
 */
export type NetworkStopReason = "router" | "maxIter" | "unknownAgent";

/**
 * One run of a network (AgentKit's `NetworkRun`): `state` holds the results; `callCount` the agent calls
 * made; `stopReason` why it ended. It has the network's agents, router, model and limits; its own `run()`
 * throws — call `network.run()`.
 */
export class NetworkRun<T extends StateData = StateData> extends NetworkBase<T> {
  /** Agent calls made in this run. Strictly increasing, so `maxIter` always ends a looping router. */
  callCount = 0;
  stopReason: NetworkStopReason = "router";
  /** Names of the agents queued to run next. */
  readonly stack: string[] = [];
  /** The network this run was started from (a one-agent network for a standalone `agent.run`). */
  readonly network: NetworkBase<T>;

  /** A run of `network` on `state` (used and mutated in place). */
  constructor(network: NetworkBase<T>, state: State<T>) {
    super({
      name: network.name,
      description: network.description,
      agents: [],
      defaultModel: network.defaultModel,
      router: network.router,
      maxIter: network.maxIter,
      defaultState: state,
      history: network.history,
    });
    this.network = network;
    for (const agent of network.agents.values()) this.agents.set(agent.name, agent);
  }

  /**
   * The run as plain data: `{ name, callCount, stopReason, state }` (state in its JSON form). Models, agents
   * and routers are left out, so API keys held by a model never end up in a stored run output.
   */
  toJSON(): { name: string; callCount: number; stopReason: NetworkStopReason; state: StateJSON<T> } {
    return {
      name: this.name,
      callCount: this.callCount,
      stopReason: this.stopReason,
      state: this.state.toJSON(),
    };
  }

  /** Rejects with FairwayError `network_run_rerun`: a run is not run again; call `network.run()`. */
  run(): Promise<NetworkRun<T>> {
    return Promise.reject(
      new FairwayError("network_run_rerun", "NetworkRun does not support run; call network.run()."),
    );
  }
}
