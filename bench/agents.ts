/**
 * S5: framework overhead of agents, per model call and per tool call, with a model that answers at once
 * (and optionally after a fixed delay), outside and inside a durable Fairway function (SQLite, WAL).
 *
 * Run: `npx tsx bench/agents.ts [--runs 2000] [--delay-runs 20]`. Prints one table; numbers are means.
 *
 * How overhead is derived: a code-routed network calls 1 and then 17 agents (each one inference, with or
 * without one tool call); the per-call cost is the slope between the two, so fixed per-run costs (run
 * setup, the engine's dispatch of the function run) drop out.
 * - per model call: slope without tools (one inference plus one routing decision);
 * - per tool call: slope with tools minus the per-model-call slope;
 * - durable: the same inside a Fairway function on SQLite, where each is a checkpointed step;
 * - with a 200 ms model: a 3-agent network with tools, wall time minus the time measured inside the
 *   model, divided by its 3 model calls (includes the engine's dispatch of the run itself).
 * - tracing: the OpenTelemetry instrumentation of a model call (`traceModelCall`: GenAI span, token and
 *   duration histograms) timed alone with no provider registered (the API's no-op, what an app without
 *   OpenTelemetry pays), as a share of the in-process per-model-call cost; then the per-model-call slope
 *   again with an SDK tracer and meter provider registered that export nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { metrics, trace } from "@opentelemetry/api";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import { traceModelCall } from "../src/agents/gen-ai-spans.js";
import { createAgent, createNetwork, createTool, Fairway } from "../src/index.js";
import type { Model, ModelRequest, ModelResponse } from "../src/models/spec.js";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "2000" }, "delay-runs": { type: "string", default: "10" } },
});
const runs = Number(values.runs);
const delayRuns = Number(values["delay-runs"]);

/** Time spent inside model calls (ms), so the delayed-model figure subtracts what the timer really took. */
let modelTimeMs = 0;

/** Calls `echo` until the conversation holds its result, then answers in text. Records nothing. */
function instantModel(delayMs = 0): Model {
  return {
    format: "bench",
    modelName: "bench",
    async generate(request: ModelRequest): Promise<ModelResponse> {
      if (delayMs > 0) {
        const start = performance.now();
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        modelTimeMs += performance.now() - start;
      }
      const last = request.messages.at(-1);
      const wantsTool = (request.tools?.length ?? 0) > 0 && last?.type !== "tool_result";
      return wantsTool
        ? {
            output: [
              {
                type: "tool_call",
                role: "assistant",
                tools: [
                  { type: "tool", id: `c${request.messages.length}`, name: "echo", input: { text: "hi" } },
                ],
                stop_reason: "tool",
              },
            ],
            stopReason: "tool",
            usage: {},
            raw: {},
          }
        : {
            output: [{ type: "text", role: "assistant", content: "done" }],
            stopReason: "stop",
            usage: {},
            raw: {},
          };
    },
  };
}

const echo = createTool({
  name: "echo",
  parameters: z.object({ text: z.string() }),
  handler: ({ text }) => text,
});

/** A network that calls `calls` agents in turn (code router), each making one inference (+ one tool call). */
function network(calls: number, withTools: boolean, m: Model = instantModel()) {
  const agents = Array.from({ length: 3 }, (_, i) =>
    createAgent({ name: `agent-${i}`, system: `agent ${i}`, model: m, tools: withTools ? [echo] : [] }),
  );
  return createNetwork({
    name: "net",
    agents,
    router: ({ callCount }) => (callCount < calls ? agents[callCount % 3] : undefined),
  });
}

async function timeMs(count: number, body: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(10, count); i++) await body(); // warm-up
  const start = performance.now();
  for (let i = 0; i < count; i++) await body();
  return (performance.now() - start) / count;
}

const rows: Array<[string, string]> = [];
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const SMALL = 1;
const LARGE = 17;

/**
 * Per-call cost as the slope between runs with SMALL and with LARGE agent calls. The four variants are
 * measured in interleaved batches and each takes the median of its batch means, so drift and noise from
 * other processes on the machine hit all four alike.
 */
async function slopes(measure: (calls: number, withTools: boolean) => Promise<number>, batches = 7) {
  const variants = [
    [SMALL, false],
    [LARGE, false],
    [SMALL, true],
    [LARGE, true],
  ] as const;
  const samples: number[][] = variants.map(() => []);
  for (let batch = 0; batch < batches; batch++) {
    for (const [index, [calls, withTools]] of variants.entries())
      samples[index]!.push(await measure(calls, withTools));
  }
  const [plainSmall, plainLarge, toolSmall, toolLarge] = samples.map(median) as [
    number,
    number,
    number,
    number,
  ];
  const perModelCall = (plainLarge - plainSmall) / (LARGE - SMALL);
  const perToolCall = (toolLarge - toolSmall) / (LARGE - SMALL) - perModelCall;
  return { perModelCall, perToolCall };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// In process.
const networks = new Map<string, ReturnType<typeof network>>();
const inProcess = await slopes((calls, withTools) => {
  const key = `${calls}/${withTools}`;
  if (!networks.has(key)) networks.set(key, network(calls, withTools));
  const net = networks.get(key)!;
  return timeMs(Math.ceil(runs / 7), () => net.run("x"));
});
rows.push(["in-process: per model call (inference + routing decision)", us(inProcess.perModelCall)]);
rows.push(["in-process: per tool call", us(inProcess.perToolCall)]);

// Tracing overhead per model call, no provider registered: the wrapper alone, against a bare call.
const reply: ModelResponse = {
  output: [{ type: "text", role: "assistant", content: "done" }],
  stopReason: "stop",
  usage: { inputTokens: 10, outputTokens: 2 },
  raw: {},
};
const benchModel = instantModel();
const generate = async () => reply;
const wrapperRuns = runs * 50;
const samplesBare: number[] = [];
const samplesTraced: number[] = [];
for (let batch = 0; batch < 7; batch++) {
  samplesBare.push(await timeMs(wrapperRuns, () => generate()));
  samplesTraced.push(await timeMs(wrapperRuns, () => traceModelCall(benchModel, generate)));
}
const tracingCost = median(samplesTraced) - median(samplesBare);
rows.push(["tracing, no provider: instrumentation per model call", us(tracingCost)]);
rows.push([
  "  share of the in-process per-model-call cost",
  `${((100 * tracingCost) / inProcess.perModelCall).toFixed(2)} %`,
]);

// The same slope with an SDK provider registered (spans and metrics made, exported nowhere).
trace.setGlobalTracerProvider(new BasicTracerProvider());
metrics.setGlobalMeterProvider(new MeterProvider());
const withSdk = await slopes((calls, withTools) =>
  timeMs(Math.ceil(runs / 7), () => networks.get(`${calls}/${withTools}`)!.run("x")),
);
trace.disable();
metrics.disable();
rows.push(["in-process with an SDK provider (no exporter): per model call", us(withSdk.perModelCall)]);

// Durable, on SQLite.
const dir = mkdtempSync(join(tmpdir(), "fairway-bench-agents-"));
const fairway = new Fairway({
  id: "bench",
  store: join(dir, "bench.db"),
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});
for (const calls of [SMALL, LARGE]) {
  for (const withTools of [false, true]) {
    const net = network(calls, withTools);
    fairway.createFunction(
      { id: `net-${calls}-${withTools}` },
      { event: `bench/${calls}/${withTools}` },
      async () => (await net.run("x")).callCount,
    );
  }
}
const slowNet = network(3, true, instantModel(200));
fairway.createFunction(
  { id: "slow" },
  { event: "bench/slow" },
  async () => (await slowNet.run("x")).callCount,
);
async function runFunction(event: string, functionId: string): Promise<void> {
  await fairway.send({ name: event, data: {} });
  const { runs: found } = await fairway.listRuns({ functionId, limit: 1 });
  await fairway.waitForRun(found[0]!.id);
}
const durableRuns = Math.max(50, Math.floor(runs / 4));
const durable = await slopes((calls, withTools) =>
  timeMs(Math.ceil(durableRuns / 7), () =>
    runFunction(`bench/${calls}/${withTools}`, `net-${calls}-${withTools}`),
  ),
);
rows.push(["durable: per model call (2 steps: inference, routing decision)", us(durable.perModelCall)]);
rows.push(["durable: per tool call (1 step)", us(durable.perToolCall)]);
const slowStart = performance.now();
for (let i = 0; i < delayRuns; i++) await runFunction("bench/slow", "slow");
const slowWall = (performance.now() - slowStart) / delayRuns;
const slowModel = modelTimeMs / delayRuns;
rows.push(["durable, 200 ms model, 3-agent network with tools: wall time per run", us(slowWall)]);
rows.push(["  of which in the model (measured)", us(slowModel)]);
rows.push(["  the rest (whole run, incl. engine dispatch) per model call", us((slowWall - slowModel) / 3)]);
await fairway.close();
rmSync(dir, { recursive: true, force: true });

// Side by side with AgentKit standalone, on the same script and the same OpenAI wire format: a 3-agent
// network (code router), agent A calls one tool, B and C answer in text; the provider is a fetch stub.
rows.push(...(await compareWithAgentKit()));

const width = Math.max(...rows.map(([label]) => label.length));
console.log(
  `agents overhead (S5), node ${process.version}, ${runs} runs (durable ${durableRuns}, 200 ms ${delayRuns})`,
);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value.padStart(12)}`);

/** The parts of `@inngest/agent-kit` the comparison uses (it is installed only under bench/). */
interface AgentKitModule {
  createAgent(options: Record<string, unknown>): unknown;
  createNetwork(options: Record<string, unknown>): { run(input: string): Promise<unknown> };
  createTool(options: Record<string, unknown>): unknown;
  openai(options: Record<string, unknown>): unknown;
}

async function compareWithAgentKit(): Promise<Array<[string, string]>> {
  const specifier = "@inngest/agent-kit";
  let agentKit: AgentKitModule;
  try {
    agentKit = (await import(specifier)) as AgentKitModule;
  } catch {
    return [["AgentKit comparison", "skipped (run `npm ci --prefix bench`)"]];
  }
  const {
    createAgent: fwAgent,
    createNetwork: fwNetwork,
    createTool: fwTool,
    openai,
  } = await import("../src/index.js");
  const fwEcho = fwTool({
    name: "echo",
    parameters: z.object({ text: z.string() }),
    handler: ({ text }) => text,
  });
  const fwModel = openai({ model: "gpt-4o", apiKey: "bench", fetch: stubFetch });
  const fwAgents = ["A", "B", "C"].map((name) =>
    fwAgent({ name, system: `agent ${name}`, model: fwModel, tools: name === "A" ? [fwEcho] : [] }),
  );
  const fairwayNetwork = fwNetwork({
    name: "cmp",
    agents: fwAgents,
    router: ({ callCount }) => fwAgents[callCount],
  });

  const akEcho = agentKit.createTool({
    name: "echo",
    parameters: z.object({ text: z.string() }),
    handler: ({ text }: { text: string }) => text,
  });
  const akModel = agentKit.openai({ model: "gpt-4o", apiKey: "bench" });
  const akAgents = ["A", "B", "C"].map((name) =>
    agentKit.createAgent({
      name,
      system: `agent ${name}`,
      model: akModel,
      tools: name === "A" ? [akEcho] : [],
    }),
  );
  const agentKitNetwork = agentKit.createNetwork({
    name: "cmp",
    agents: akAgents,
    router: ({ callCount }: { callCount: number }) => akAgents[callCount],
  });

  const original = globalThis.fetch;
  globalThis.fetch = stubFetch; // AgentKit calls the global fetch outside Inngest
  const count = Math.max(200, Math.floor(runs / 2));
  try {
    const samples = { fairway: [] as number[], agentKit: [] as number[] };
    for (let batch = 0; batch < 5; batch++) {
      samples.fairway.push(await timeMs(Math.ceil(count / 5), () => fairwayNetwork.run("x")));
      samples.agentKit.push(await timeMs(Math.ceil(count / 5), () => agentKitNetwork.run("x")));
    }
    const fairwayRun = median(samples.fairway);
    const agentKitRun = median(samples.agentKit);
    return [
      [
        "same script, OpenAI wire format, fetch stub: Fairway network run (3 inferences, 1 tool call)",
        us(fairwayRun),
      ],
      ["same script: AgentKit 0.13.2 network run, standalone", us(agentKitRun)],
      ["  per model call: Fairway / AgentKit", `${us(fairwayRun / 3)} / ${us(agentKitRun / 3)}`],
    ];
  } finally {
    globalThis.fetch = original;
  }
}

/** A fetch that answers OpenAI chat completions at once: a tool call when tools are offered and the last message is not a tool result, else text. */
async function stubFetch(_input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
  const body = JSON.parse(String(init?.body)) as { tools?: unknown[]; messages: Array<{ role: string }> };
  const callTool = (body.tools?.length ?? 0) > 0 && body.messages.at(-1)?.role !== "tool";
  const message = callTool
    ? {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: `call_${body.messages.length}`,
            type: "function",
            function: { name: "echo", arguments: '{"text":"hi"}' },
          },
        ],
      }
    : { role: "assistant", content: "done" };
  const reply = {
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 0,
    model: "gpt-4o",
    choices: [{ index: 0, message, finish_reason: callTool ? "tool_calls" : "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
  return new Response(JSON.stringify(reply), {
    status: 200,
    headers: { "content-type": "application/json" },
  });
}
