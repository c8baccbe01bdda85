/**
 * `runAgent`: one agent run on its own (what `agent.run` does), apart from the agent's configuration.
 *
 * @module
 */
import { ConfigError } from "../errors/config-error.js";
import { deriveId } from "../streaming/ids.js";
import type { Agent, AgentRunOptions } from "./agent.js";
import { runAgentLoop } from "./agent-loop.js";
import type { AgentResult } from "./agent-result.js";
import { NetworkBase } from "./network-base.js";
import { NetworkRun } from "./network-run.js";
import { startRun } from "./run-start.js";
import { State } from "./state.js";
import { assertMaxIter, type StateData, type UserMessage } from "./types.js";

/**
 * Runs `agent` once on `input` (what `agent.run` does): one agent outside a network loop. Without
 * `options.network` the agent runs in a one-agent network (so tools always get a `network`) on
 * `options.state` or a new state. With a `history` config the
 * thread hooks run in the network order (`createThread` → `appendUserMessage` → `get` → agent →
 * `appendResults([result])`); AgentKit skipped the user message and always saved `[]`.
 *
 * @throws ConfigError at `model` when no model is given, at `maxIter` when it is not a whole number >= 0.
 */
export async function runAgent<T extends StateData>(
  agent: Agent<T>,
  input: string | UserMessage,
  options: AgentRunOptions<T>,
): Promise<AgentResult> {
  const model = options.model ?? agent.model ?? options.network?.defaultModel;
  if (!model) {
    throw new ConfigError(
      "model",
      `No model provided to agent "${agent.name}": pass options.model or give the agent a model`,
    );
  }
  const maxIter = options.maxIter ?? 0;
  assertMaxIter(maxIter);
  await agent.initMcp();
  const network =
    options.network ??
    new NetworkRun<T>(
      new NetworkBase<T>({ name: "default", agents: [agent] }),
      options.state ?? new State<T>(),
    );
  const state = options.state ?? network.state;
  const run = await startRun({
    name: agent.name,
    input,
    state,
    network,
    history: agent.history,
    streaming: options.streaming,
  });
  const { scope, userMessage, stream } = run;
  try {
    const result = await runAgentLoop({
      agent,
      input: userMessage.content,
      model,
      network,
      maxIter,
      scope,
      priorResults: state.results.length,
      ...(userMessage.systemPrompt ? { systemPrompt: userMessage.systemPrompt } : {}),
      ...(stream ? { stream: { context: stream } } : {}),
    });
    await run.save([result]);
    return result;
  } finally {
    await run.endStream("agent", deriveId("msg", scope.seed));
  }
}
