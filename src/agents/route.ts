import { ConfigError } from "../errors/config-error.js";
import type { Agent } from "./agent.js";
import { runAgentLoop } from "./agent-loop.js";
import type { RunScope } from "./durable.js";
import type { Router } from "./network-base.js";
import type { NetworkRun } from "./network-run.js";
import { getDefaultRoutingAgent, type RoutingAgent } from "./routing-agent.js";
import type { StateData, UserMessage } from "./types.js";
import { runUserCode } from "./user-code-step.js";

/** What one routing decision needs besides the run and the router. */
export interface RouteContext {
  userMessage: UserMessage;
  /** Scope of this decision (`<network>/route-<n>`): a code router's answer is its `decide` step. */
  scope: RunScope;
  priorResults: number;
}

/** A code router's answer as stored: agent names, or the name of a routing agent to ask. */
interface Decision {
  agents: string[];
  routingAgent?: string;
}

/**
 * Asks the router which agents run next and returns their names (empty: finish). With no router the
 * default LLM routing agent is used (it needs `defaultModel`). Inside a Fairway function a code router's
 * decision is a step and a routing agent's inference and tool calls are steps, so a resumed run takes the
 * same route without calling the router again.
 *
 * @throws ConfigError when there is neither a router nor a default model.
 */
export async function decideRoute<T extends StateData>(
  run: NetworkRun<T>,
  router: Router<T> | undefined,
  context: RouteContext,
): Promise<string[]> {
  if (!router) {
    if (!run.defaultModel) {
      throw new ConfigError(
        "router",
        "No router or model defined in network. Pass a router, or a defaultModel to use the built-in routing agent",
      );
    }
    return askRoutingAgent(run, getDefaultRoutingAgent() as unknown as RoutingAgent<T>, context);
  }
  if (isRoutingAgent(router)) return askRoutingAgent(run, router, context);
  const known = returnedAgents<T>(run.network);
  const callRouter = async () => {
    const answer = await router({
      input: context.userMessage.content,
      userMessage: context.userMessage,
      network: run,
      stack: run.stack.flatMap((name) => run.agents.get(name) ?? []),
      callCount: run.callCount,
      lastResult: run.state.results.at(-1),
    });
    const returned = !answer ? [] : Array.isArray(answer) ? answer : [answer];
    for (const agent of returned) known.set(agent.name, agent);
    return answer;
  };
  const decision = await runUserCode(context.scope, "decide", run.state.data, async (): Promise<Decision> => {
    const answer = await callRouter();
    if (!answer) return { agents: [] };
    if (isRoutingAgent(answer)) return { agents: [], routingAgent: answer.name };
    return { agents: (Array.isArray(answer) ? answer : [answer]).map((agent) => agent.name) };
  });
  const wanted = decision.routingAgent === undefined ? decision.agents : [decision.routingAgent];
  // A replay returns the stored names. Objects the router returned earlier in this process are known;
  // after a restart they are not, so the (deterministic) code router is asked again for them.
  if (wanted.some((name) => !run.agents.has(name) && !known.has(name))) await callRouter();
  for (const name of decision.agents) {
    const agent = known.get(name);
    if (!run.agents.has(name) && agent) run.addAgent(agent);
  }
  if (decision.routingAgent === undefined) return decision.agents;
  const routingAgent = known.get(decision.routingAgent);
  return routingAgent && isRoutingAgent(routingAgent) ? askRoutingAgent(run, routingAgent, context) : [];
}

/**
 * Agents and routing agents that a network's code routers returned, by name: a durable replay gets only
 * their names back from the `decide` step and finds the objects here (the NetworkRun is new each time).
 */
const returnedByRouters = new WeakMap<object, Map<string, Agent<never>>>();

function returnedAgents<T extends StateData>(network: object): Map<string, Agent<T>> {
  let known = returnedByRouters.get(network);
  if (!known) {
    known = new Map();
    returnedByRouters.set(network, known);
  }
  return known as unknown as Map<string, Agent<T>>;
}

async function askRoutingAgent<T extends StateData>(
  run: NetworkRun<T>,
  routingAgent: RoutingAgent<T>,
  context: RouteContext,
): Promise<string[]> {
  const model = routingAgent.model ?? run.defaultModel;
  if (!model) {
    throw new ConfigError(
      "model",
      `No model provided to routing agent "${routingAgent.name}": give it a model or the network a defaultModel`,
    );
  }
  await routingAgent.initMcp();
  const result = await runAgentLoop({
    agent: routingAgent,
    input: context.userMessage.content,
    model,
    network: run,
    maxIter: 0,
    scope: context.scope,
    priorResults: context.priorResults,
  });
  const names = routingAgent.lifecycles.onRoute({ agent: routingAgent, network: run, result }) ?? [];
  return names.filter((name) => run.agents.has(name));
}

function isRoutingAgent<T extends StateData>(
  value: Router<T> | Agent<T> | Agent<T>[],
): value is RoutingAgent<T> {
  return typeof value === "object" && !Array.isArray(value) && value.type === "routing";
}
