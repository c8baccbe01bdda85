import { ConfigError } from "../errors/config-error.js";
import { FairwayError } from "../errors/fairway-error.js";
import { deriveId } from "../streaming/ids.js";
import { StreamingContext } from "../streaming/streaming-context.js";
import type { Agent } from "./agent.js";
import { runAgentLoop } from "./agent-loop.js";
import type { AgentResult } from "./agent-result.js";
import { openScope, type RunScope } from "./durable.js";
import type { HistoryContext } from "./history/history-config.js";
import { saveThreadToStorage, startThread } from "./history/thread.js";
import { Network, type NetworkRunOptions } from "./network.js";
import { decideRoute } from "./route.js";
import type { State, StateJSON } from "./state.js";
import { type StateData, toUserMessage, type UserMessage } from "./types.js";

/**
 * Why a network run ended: `router` (it returned no agent), `maxIter` (the agent-call limit was reached;
 * the router is not asked again), `unknownAgent` (a queued name is not an agent of the run).
 */
export type NetworkStopReason = "router" | "maxIter" | "unknownAgent";

/**
 * One run of a network (AgentKit's `NetworkRun`): `state` holds the results; `callCount` the agent calls
 * made; `stopReason` why it ended. Its own `run()` throws — call `network.run()`.
 */
export class NetworkRun<T extends StateData = StateData> extends Network<T> {
  /** Agent calls made in this run. Strictly increasing, so `maxIter` always ends a looping router. */
  callCount = 0;
  stopReason: NetworkStopReason = "router";
  /** Names of the agents queued to run next. */
  readonly stack: string[] = [];
  readonly network: Network<T>;

  constructor(network: Network<T>, state: State<T>) {
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

  override run(): Promise<NetworkRun<T>> {
    return Promise.reject(
      new FairwayError("network_run_rerun", "NetworkRun does not support run; call network.run()."),
    );
  }

  /** Runs the network loop. Used by `network.run`. */
  async execute(input: string | UserMessage, options: NetworkRunOptions<T>): Promise<void> {
    const scope = openScope(this.name);
    const userMessage = toUserMessage(input, () => deriveId("msg", `${scope.seed}/user`));
    const userId =
      options.userId ?? (typeof this.state.data.userId === "string" ? this.state.data.userId : undefined);
    const context: HistoryContext<T> = {
      state: this.state,
      network: this,
      step: scope.step,
      input: userMessage.content,
      userId,
    };
    await startThread(this.history, context, userMessage, scope);
    const priorResults = this.state.results.length;
    const runId = deriveId("run", scope.seed);
    const stream = options.streaming
      ? new StreamingContext(options.streaming, runId, { threadId: this.state.threadId, userId })
      : undefined;
    stream?.emit("run.started", { runId, scope: "network", name: this.name, messageId: userMessage.id });
    try {
      await this.#loop(
        userMessage,
        options,
        scope,
        priorResults,
        stream ? { context: stream, parentRunId: runId } : undefined,
      );
      await saveThreadToStorage(this.history, context, this.state.getResultsFrom(priorResults), scope);
      stream?.emit("run.completed", { runId, scope: "network", name: this.name, messageId: userMessage.id });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      stream?.emit("run.failed", {
        runId,
        scope: "network",
        name: this.name,
        messageId: userMessage.id,
        error: message,
        recoverable: false,
      });
      throw error;
    } finally {
      stream?.emit("stream.ended", { scope: "network", messageId: userMessage.id });
      await stream?.flush();
    }
  }

  async #loop(
    userMessage: UserMessage,
    options: NetworkRunOptions<T>,
    scope: RunScope,
    priorResults: number,
    stream: { context: StreamingContext; parentRunId: string } | undefined,
  ): Promise<void> {
    if ((await this.availableAgents()).length === 0)
      throw new ConfigError("agents", "no agents enabled in network");
    const router = options.router ?? options.defaultRouter ?? this.router;
    let routes = 0;
    const route = async (): Promise<void> => {
      const names = await decideRoute(this, router, {
        userMessage,
        scope: scope.child(`route-${routes++}`),
        priorResults,
      });
      this.stack.push(...names);
    };
    await route();
    while (this.stack.length > 0) {
      const name = this.stack.shift()!;
      const agent = this.agents.get(name);
      if (!agent) {
        this.stopReason = "unknownAgent";
        return;
      }
      const result = await this.#call(
        agent,
        userMessage,
        scope.child(`${this.callCount}-${agent.name}`),
        priorResults,
        stream,
      );
      this.callCount++;
      this.state.appendResult(result);
      if (this.maxIter > 0 && this.callCount >= this.maxIter) {
        // The limit is reached: asking the router (maybe an LLM) again could not run anything.
        this.stopReason = "maxIter";
        return;
      }
      await route();
    }
  }

  #call(
    agent: Agent<T>,
    userMessage: UserMessage,
    scope: RunScope,
    priorResults: number,
    stream: { context: StreamingContext; parentRunId: string } | undefined,
  ): Promise<AgentResult> {
    const model = agent.model ?? this.defaultModel;
    if (!model)
      throw new ConfigError(
        "model",
        `No model provided to agent "${agent.name}": give the agent a model or the network a defaultModel`,
      );
    return agent.initMcp().then(() =>
      runAgentLoop({
        agent,
        input: userMessage.content,
        model,
        network: this,
        maxIter: 0,
        scope,
        priorResults,
        ...(userMessage.systemPrompt ? { systemPrompt: userMessage.systemPrompt } : {}),
        ...(stream ? { stream } : {}),
      }),
    );
  }
}
