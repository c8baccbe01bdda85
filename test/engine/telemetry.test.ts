import { context, metrics, type Span, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { type DataPoint, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAgent, createTool } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";
import { makeFairway, nextRunEvent, runOf } from "./helpers.js";

/** A reader the test collects from on demand. */
class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const exporter = new InMemorySpanExporter();
const reader = new TestReader();
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterAll(() => {
  trace.disable();
  metrics.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

async function metricPoints(name: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<unknown>[];
}

const byName = (spans: ReadableSpan[], prefix: string) =>
  spans.filter((span) => span.name.startsWith(prefix));

describe.each(["memory", "sqlite"] as const)("OpenTelemetry on %s", (kind) => {
  // Metrics accumulate across the store kinds: each kind gets its own function ids.
  const fnId = `traced-${kind}`;
  const gaugedId = `gauged-${kind}`;
  it("one trace per run: run, execution, step, tool and GenAI model-call spans; continued after a sleep", async () => {
    const { fairway, clock } = makeFairway(kind);
    const model = scriptedModel(
      [
        {
          toolCalls: [{ name: "lookup", input: { q: "x" } }],
          usage: { inputTokens: 100, outputTokens: 10, cachedInputTokens: 60 },
        },
        { text: "done", usage: { inputTokens: 150, outputTokens: 20 } },
      ],
      { modelName: `gpt-${kind}` },
    );
    const lookup = createTool({
      name: "lookup",
      parameters: z.object({ q: z.string() }),
      handler: () => "found",
    });
    const agent = createAgent({ name: "helper", system: "s", model, tools: [lookup] });
    fairway.createFunction(
      { id: fnId, concurrency: { limit: 2, key: "event.data.user" } },
      { event: "traced/go" },
      async ({ event, step }) => {
        await step.run("before", () => "a");
        await step.sleep("nap", "1h");
        const result = await agent.run(event.data.input as string, { maxIter: 2 });
        return result.output.length;
      },
    );
    // The sender's span becomes the run's parent: the run joins the caller's trace.
    const sender = trace.getTracer("test").startSpan("http request");
    const sleeping = nextRunEvent(fairway, "run.sleeping");
    await context.with(trace.setSpan(context.active(), sender), () =>
      fairway.send({ name: "traced/go", data: { user: "u7", input: "hi" } }),
    );
    sender.end();
    const runId = await runOf(fairway, fnId);
    await sleeping;
    await clock.advance("1h");
    await fairway.waitForRun(runId);

    const spans = exporter.getFinishedSpans();
    const traceId = (sender as Span).spanContext().traceId;
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([traceId]));

    const [run] = byName(spans, `fairway.run ${fnId}`);
    expect(run!.attributes).toMatchObject({
      "fairway.function.id": fnId,
      "fairway.run.id": runId,
      "fairway.tenant.key": "u7",
      "fairway.concurrency.keys": ["u7"],
    });
    expect(run!.parentSpanContext?.spanId).toBe(sender.spanContext().spanId);
    expect((await fairway.store.getRun(runId))?.traceParent).toBe(
      `00-${traceId}-${run!.spanContext().spanId}-01`,
    );

    const executions = byName(spans, `fairway.execution ${fnId}`);
    expect(executions).toHaveLength(2);
    for (const execution of executions) {
      expect(execution.parentSpanContext?.spanId).toBe(run!.spanContext().spanId);
      expect(execution.attributes).toMatchObject({ "fairway.run.id": runId, "fairway.tenant.key": "u7" });
    }
    expect(executions.map((e) => e.attributes["fairway.execution.result"])).toEqual(["sleeping", "finished"]);

    const steps = byName(spans, "fairway.step ");
    expect(steps.map((s) => s.name)).toEqual([
      "fairway.step before",
      "fairway.step helper/turn-0/infer",
      "fairway.step helper/turn-0/tool-0-lookup",
      "fairway.step helper/turn-1/infer",
    ]);
    const chats = byName(spans, `chat gpt-${kind}`);
    expect(chats).toHaveLength(2);
    expect(chats[0]!.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "scripted",
      "gen_ai.request.model": `gpt-${kind}`,
      "gen_ai.response.finish_reasons": ["tool"],
      "gen_ai.usage.input_tokens": 100,
      "gen_ai.usage.output_tokens": 10,
      "gen_ai.usage.cache_read.input_tokens": 60,
    });
    const stepOfChat = spans.find((s) => s.spanContext().spanId === chats[0]!.parentSpanContext?.spanId);
    expect(stepOfChat?.name).toBe("fairway.step helper/turn-0/infer");
    const [tool] = byName(spans, "execute_tool lookup");
    expect(tool!.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup",
    });
    // The second execution's steps hang under the second execution span (after the sleep).
    expect(executions[1]!.spanContext().spanId).toBe(
      spans.find((s) => s.spanContext().spanId === stepOfChat!.parentSpanContext?.spanId)?.spanContext()
        .spanId,
    );

    const tokens = await metricPoints("gen_ai.client.token.usage");
    const input = tokens.find(
      (p) =>
        p.attributes["gen_ai.token.type"] === "input" &&
        p.attributes["gen_ai.request.model"] === `gpt-${kind}`,
    );
    expect(input?.value).toMatchObject({ sum: 250 });
    const started = await metricPoints("fairway.runs.started");
    expect(started.find((p) => p.attributes["fairway.function.id"] === fnId)?.value).toBe(1);
    const finished = await metricPoints("fairway.runs.finished");
    expect(
      finished.find(
        (p) =>
          p.attributes["fairway.function.id"] === fnId && p.attributes["fairway.run.status"] === "completed",
      )?.value,
    ).toBe(1);
    const latency = await metricPoints("fairway.run.start_latency");
    expect(latency.find((p) => p.attributes["fairway.function.id"] === fnId)?.value).toMatchObject({
      count: 1,
    });
    await fairway.close();
  });

  it("the queue-depth gauge reports queued and running runs per function and key", async () => {
    const { fairway, clock } = makeFairway(kind);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    fairway.createFunction(
      { id: gaugedId, concurrency: { limit: 1, key: "event.data.user" } },
      { event: "g/go" },
      () => gate,
    );
    await fairway.send([1, 2, 3].map(() => ({ name: "g/go", data: { user: "u1" } })));
    await clock.advance(0);
    const points = (await metricPoints("fairway.queue.depth")).filter(
      (p) => p.attributes["fairway.function.id"] === gaugedId,
    );
    const value = (state: string) => points.find((p) => p.attributes["fairway.queue.state"] === state)?.value;
    expect([value("queued"), value("running"), points[0]?.attributes["fairway.key"]]).toEqual([2, 1, "u1"]);
    release();
    await fairway.close();
  });
});
