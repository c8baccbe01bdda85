/**
 * `Network`: a network as configuration (AgentKit's `Network`). `network.run` hands it to `runNetwork`.
 *
 * @module
 */
import type { StreamingConfig } from "../streaming/streaming-context.js";
import { NetworkBase, type NetworkOptions, type Router } from "./network-base.js";
import type { NetworkRun } from "./network-run.js";
import { runNetwork } from "./run-network.js";
import type { State, StateJSON } from "./state.js";
import type { StateData, UserMessage } from "./types.js";

export type { FnRouter, NetworkOptions, Router, RouterArgs } from "./network-base.js";

/** Per-run overrides of `network.run`. */
export interface NetworkRunOptions<T extends StateData = StateData> {
  router?: Router<T>;
  defaultRouter?: Router<T>;
  /** A State (used and mutated in place) or its JSON form (rebuilt). Default: a clone of the network's state. */
  state?: State<T> | StateJSON<T> | Record<string, unknown>;
  streaming?: StreamingConfig;
  /** Continue this thread (sets `state.threadId`). */
  threadId?: string;
  /** The tenant the thread belongs to. Default: `state.data.userId` when it is a string. */
  userId?: string;
}

/**
 * A set of agents that work on one state, in the order a router decides (AgentKit's `Network`).
 *
 * @example
 * const network = createNetwork({ name: "support", agents: [triage, billing], defaultModel: model });
 * const run = await network.run("My invoice is wrong");
 * run.state.results; // one AgentResult per agent call
 */
export class Network<T extends StateData = StateData> extends NetworkBase<T> {
  /**
   * Runs the network on `input` until the router finishes or `maxIter` agent calls were made. Inside a
   * Fairway function every model call, tool call and routing decision is a step. See `runNetwork`.
   */
  run(input: string | UserMessage, options: NetworkRunOptions<T> = {}): Promise<NetworkRun<T>> {
    return runNetwork(this, input, options);
  }
}

/** Creates a network. See `NetworkOptions`. */
export function createNetwork<T extends StateData = StateData>(options: NetworkOptions<T>): Network<T> {
  return new Network<T>(options);
}
