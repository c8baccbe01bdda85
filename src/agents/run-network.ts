/**
 * `runNetwork`: runs a network (what `network.run` does). It makes a `NetworkRun` on the network's state,
 * asks the router for agents and calls them one by one until the router finishes or `maxIter` agent calls
 * were made; with a `history` config the thread is loaded first and the run's results are saved at the end.
 *
 * @module
 */
import { ConfigError } from "../errors/config-error.js";
import type { StreamingContext } from "../streaming/streaming-context.js";
import type { Agent } from "./agent.js";
import { runAgentLoop } from "./agent-loop.js";
import type { AgentResult } from "./agent-result.js";
import type { RunScope } from "./durable.js";
import type { NetworkRunOptions } from "./network.js";
import type { NetworkBase } from "./network-base.js";
import { NetworkRun } from "./network-run.js";
import { decideRoute } from "./route.js";
import { startRun } from "./run-start.js";
import { type StateJSON, toState } from "./state.js";
import type { StateData, UserMessage } from "./types.js";

/** Where a run's agent calls publish their events: the network run's stream, under its run id. */
type RunStream = { context: StreamingContext; parentRunId: string } | undefined;

/**
 * Runs `network` on `input` and returns the finished run. The run's state is `options.state` (a State is
 * used and mutated in place, its JSON form rebuilt) or a clone of the network's state. Inside a Fairway
 * function every model call, tool call and routing decision is a step.
 *
 * @throws ConfigError at `agents` when no agent is enabled, at `router` when there is neither a router nor a
 *   default model, at `model` when an agent to call has no model and the network no default model.
 */
export async function runNetwork<T extends StateData>(
  network: NetworkBase<T>,
  input: string | UserMessage,
  options: NetworkRunOptions<T>,
): Promise<NetworkRun<T>> {
  const state =
    options.state === undefined ? network.state.clone() : toState<T>(options.state as StateJSON<T>);
  if (options.threadId !== undefined) state.threadId = options.threadId;
  const run = new NetworkRun<T>(network, state);
  const started = await startRun({
    name: run.name,
    input,
    state,
    network: run,
    history: run.history,
    userId: options.userId,
    streaming: options.streaming,
  });
  const { scope, userMessage, runId, stream } = started;
  const priorResults = state.results.length;
  stream?.emit("run.started", { runId, scope: "network", name: run.name, messageId: userMessage.id });
  try {
    await loop(
      run,
      userMessage,
      options,
      scope,
      priorResults,
      stream ? { context: stream, parentRunId: runId } : undefined,
    );
    await started.save(state.getResultsFrom(priorResults));
    stream?.emit("run.completed", { runId, scope: "network", name: run.name, messageId: userMessage.id });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    stream?.emit("run.failed", {
      runId,
      scope: "network",
      name: run.name,
      messageId: userMessage.id,
      error: message,
      recoverable: false,
    });
    throw error;
  } finally {
    await started.endStream("network", userMessage.id);
  }
  return run;
}

/** Routes and calls agents until the router returns none, `maxIter` is reached or a name is unknown. */
async function loop<T extends StateData>(
  run: NetworkRun<T>,
  userMessage: UserMessage,
  options: NetworkRunOptions<T>,
  scope: RunScope,
  priorResults: number,
  stream: RunStream,
): Promise<void> {
  if ((await run.availableAgents()).length === 0)
    throw new ConfigError("agents", "no agents enabled in network");
  const router = options.router ?? options.defaultRouter ?? run.router;
  let routes = 0;
  const route = async (): Promise<void> => {
    const names = await decideRoute(run, router, {
      userMessage,
      scope: scope.child(`route-${routes++}`),
      priorResults,
    });
    run.stack.push(...names);
  };
  await route();
  while (run.stack.length > 0) {
    const name = run.stack.shift()!;
    const agent = run.agents.get(name);
    if (!agent) {
      run.stopReason = "unknownAgent";
      return;
    }
    const result = await callAgent(
      run,
      agent,
      userMessage,
      scope.child(`${run.callCount}-${agent.name}`),
      priorResults,
      stream,
    );
    run.callCount++;
    run.state.appendResult(result);
    if (run.maxIter > 0 && run.callCount >= run.maxIter) {
      // The limit is reached: asking the router (maybe an LLM) again could not run anything.
      run.stopReason = "maxIter";
      return;
    }
    await route();
  }
}

/** One agent call of the run: the agent's model (or the network's default), one inference round. */
function callAgent<T extends StateData>(
  run: NetworkRun<T>,
  agent: Agent<T>,
  userMessage: UserMessage,
  scope: RunScope,
  priorResults: number,
  stream: RunStream,
): Promise<AgentResult> {
  const model = agent.model ?? run.defaultModel;
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
      network: run,
      maxIter: 0,
      scope,
      priorResults,
      ...(userMessage.systemPrompt ? { systemPrompt: userMessage.systemPrompt } : {}),
      ...(stream ? { stream } : {}),
    }),
  );
}
