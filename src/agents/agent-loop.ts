import { OutputValidationError } from "../errors/output-validation-error.js";
import type { Message, Model, ToolDefinition } from "../models/spec.js";
import { deriveId } from "../streaming/ids.js";
import { type PartScope, publishToolOutput } from "../streaming/inference-parts.js";
import type { StreamingContext } from "../streaming/streaming-context.js";
import type { Agent } from "./agent.js";
import { AgentResult } from "./agent-result.js";
import type { RunScope } from "./durable.js";
import { infer } from "./inference.js";
import type { NetworkRun } from "./network-run.js";
import { defaultFormat } from "./state.js";
import { checkOutput, correctionMessage } from "./structured-output.js";
import type { AnyTool } from "./tool.js";
import { runToolCalls } from "./tool-calls.js";
import type { StateData } from "./types.js";

/** One call of an agent: everything its loop needs, from a network or from a standalone `agent.run`. */
export interface AgentCall<T extends StateData> {
  agent: Agent<T>;
  input: string;
  model: Model;
  network: NetworkRun<T>;
  /** Inference rounds allowed: the loop stops after `max(1, maxIter)` model calls. */
  maxIter: number;
  scope: RunScope;
  /** Results in `network.state` from before this run (loaded or given history): sent before the user turn. */
  priorResults: number;
  /** Appended to the system prompt (`UserMessage.systemPrompt`). */
  systemPrompt?: string;
  stream?: { context: StreamingContext; parentRunId?: string };
}

/**
 * The agent loop: infer, run the turn's tool calls, and — while the model keeps calling tools and
 * `maxIter` allows — infer again with every call paired with its result and the whole conversation so far.
 *
 * The request is `[system, ...earlier turns, user input, assistant prefill?, ...this run's turns]`: history
 * from before this run comes before the current user message (AgentKit put it after). The returned result's
 * `output` holds, in order, every round's calls and results but the last, then the last round's output;
 * `toolCalls` holds the last round's results, so `formatHistory()` replays the exact conversation.
 *
 * With an output schema (`agent.output`) the answer of the last round is validated; an invalid one (or a
 * last round that ended with tool calls) is answered with a user message stating the validation issues, and
 * the model answers again (rounds beyond `maxIter`, at most `output.retries`); the conversation kept in the
 * result includes these corrections. The valid value is `result.structuredOutput`.
 *
 * @throws OutputValidationError when the answer is still invalid after `output.retries` corrections.
 */
export async function runAgentLoop<T extends StateData>(call: AgentCall<T>): Promise<AgentResult> {
  const { agent, network, scope } = call;
  const messageId = deriveId("msg", scope.seed);
  const runId = deriveId("run", scope.seed);
  const stream = call.stream;
  stream?.context.emit("run.started", {
    runId,
    scope: "agent",
    name: agent.name,
    messageId,
    ...(stream.parentRunId ? { parentRunId: stream.parentRunId } : {}),
  });
  try {
    const { result, stopped } = await loop(call, messageId, runId);
    // As in AgentKit, a run that `onStart` stopped returns at once: `onFinish` is for runs that finished.
    const final =
      agent.lifecycles?.onFinish && !stopped
        ? await agent.lifecycles.onFinish({ agent, network, result })
        : result;
    stream?.context.emit("run.completed", {
      runId,
      scope: "agent",
      name: agent.name,
      messageId,
      result: final.export(),
    });
    return final;
  } catch (error) {
    stream?.context.emit("run.failed", {
      runId,
      scope: "agent",
      name: agent.name,
      messageId,
      error: error instanceof Error ? error.message : String(error),
      recoverable: false,
    });
    throw error;
  }
}

/**
 * The rounds of one agent call. `stopped` is true when `onStart` stopped it: before the first inference
 * the result is empty (with the prompt and history `onStart` returned); later, it is the rounds done so far.
 */
async function loop<T extends StateData>(
  call: AgentCall<T>,
  messageId: string,
  runId: string,
): Promise<{ result: AgentResult; stopped: boolean }> {
  const { agent, network, scope } = call;
  const state = network.state;
  const earlier = [
    ...state.messages,
    ...state.getResultsFrom(0).slice(0, call.priorResults).flatMap(defaultFormat),
  ];
  const current = state.getResultsFrom(call.priorResults).flatMap(defaultFormat);
  const basePrompt = await buildPrompt(call);
  const definitions = toolDefinitions(agent.tools);
  // Every earlier round's calls and results, then the last round's output (see `runAgentLoop`).
  const withEarlierRounds = (last: AgentResult, earlierRounds: Message[]): AgentResult => {
    if (earlierRounds.length > 0) last.output = [...earlierRounds, ...last.output];
    return last;
  };
  const done: Message[] = [];
  let corrections = 0;
  /** Where the last round's messages (and its correction, if any) start in `done`. */
  let lastRoundStart = 0;
  let result: AgentResult | undefined;
  for (let round = 0; ; round++) {
    let prompt = basePrompt;
    let history = [...earlier, ...current, ...done];
    if (agent.lifecycles?.onStart) {
      const started = await agent.lifecycles.onStart({ agent, network, input: call.input, prompt, history });
      if (started.stop) {
        if (!result) {
          const empty = new AgentResult(agent.name, [], [], new Date(), started.prompt, started.history);
          empty.id = messageId;
          return { result: empty, stopped: true };
        }
        // The last round's messages are the end of `done`: they stay the result's own output and toolCalls.
        return { result: withEarlierRounds(result, done.slice(0, lastRoundStart)), stopped: true };
      }
      ({ prompt, history } = started);
    }
    const roundScope = scope.child(`turn-${round}`);
    const parts: PartScope = { runId, messageId, agentName: agent.name, seed: roundScope.seed };
    const request = {
      messages: arrange(prompt, history, earlier.length),
      tools: definitions,
      toolChoice: agent.tool_choice ?? "auto",
      ...(agent.output ? { output: agent.output.format } : {}),
    };
    const stream = call.stream ? { context: call.stream.context, parts } : undefined;
    const { response, createdAt } = await infer(roundScope, "infer", call.model, request, stream);
    const raw = JSON.stringify(response.raw) ?? "";
    result = new AgentResult(
      agent.name,
      response.output,
      [],
      new Date(createdAt),
      prompt,
      history,
      raw,
      messageId,
    );
    if (agent.lifecycles?.onResponse) result = await agent.lifecycles.onResponse({ agent, network, result });
    const calls = result.output.flatMap((message) => (message.type === "tool_call" ? message.tools : []));
    if (calls.length > 0) {
      result.toolCalls = await runToolCalls(calls, { tools: agent.tools, agent, network, scope: roundScope });
      if (stream)
        for (const { tool, content } of result.toolCalls)
          publishToolOutput(stream.context, parts, tool, content);
    }
    if (calls.length > 0 && round + 1 < Math.max(1, call.maxIter)) {
      lastRoundStart = done.length;
      done.push(...result.output, ...result.toolCalls);
      continue;
    }
    if (!agent.output) break;
    const checked = checkOutput(result.output, agent.output.schema);
    if (checked.ok) {
      result.structuredOutput = checked.value;
      break;
    }
    if (corrections >= agent.output.retries) {
      throw new OutputValidationError(agent.name, corrections + 1, checked.answer, checked.issues);
    }
    corrections++;
    lastRoundStart = done.length;
    done.push(...result.output, ...result.toolCalls, correctionMessage(checked.issues));
  }
  return { result: withEarlierRounds(result, done), stopped: false };
}

/** The tools as the model is offered them. */
function toolDefinitions(tools: Map<string, AnyTool>): ToolDefinition[] {
  return [...tools.values()].map(({ name, description, parameters, strict }) => ({
    name,
    ...(description ? { description } : {}),
    ...(parameters ? { parameters } : {}),
    ...(strict !== undefined ? { strict } : {}),
  }));
}

/**
 * `[system (+ "\n\n" + systemPrompt) if non-empty, user(input) if non-empty, assistant prefill if
 * non-empty]`.
 */
async function buildPrompt<T extends StateData>(call: AgentCall<T>): Promise<Message[]> {
  const { agent } = call;
  let system =
    typeof agent.system === "string" ? agent.system : await agent.system({ network: call.network });
  if (call.systemPrompt) system = system ? `${system}\n\n${call.systemPrompt}` : call.systemPrompt;
  const prompt: Message[] = system ? [{ type: "text", role: "system", content: system }] : [];
  if (call.input) prompt.push({ type: "text", role: "user", content: call.input });
  if (agent.assistant) prompt.push({ type: "text", role: "assistant", content: agent.assistant });
  return prompt;
}

/** Places the first `earlierCount` history messages after the prompt's leading system messages. */
function arrange(prompt: Message[], history: Message[], earlierCount: number): Message[] {
  let systems = 0;
  while (
    systems < prompt.length &&
    prompt[systems]?.type === "text" &&
    (prompt[systems] as { role: string }).role === "system"
  )
    systems++;
  const split = Math.min(earlierCount, history.length);
  return [
    ...prompt.slice(0, systems),
    ...history.slice(0, split),
    ...prompt.slice(systems),
    ...history.slice(split),
  ];
}
