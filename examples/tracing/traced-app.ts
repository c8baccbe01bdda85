/**
 * An app that exports Fairway's OpenTelemetry traces: registers a tracer provider (the OpenTelemetry SDK,
 * with the exporter you pass) and an async-hooks context manager, then runs one agent inside a durable
 * function that sleeps between two model calls — one trace, before and after the sleep.
 *
 * Swap the exporter for OTLP (`@opentelemetry/exporter-trace-otlp-http`'s `OTLPTraceExporter`) to send the
 * spans to Jaeger, Grafana Tempo, Langfuse or any OTLP endpoint; see docs/observability.md.
 */
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { createAgent, Fairway } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

/** Registers the OpenTelemetry SDK globally with `exporter`; returns a function that flushes and unregisters it. */
export function startTracing(exporter: SpanExporter): () => Promise<void> {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.forceFlush();
    await provider.shutdown();
    trace.disable();
    context.disable();
  };
}

/** Runs one `assist` run for `user` on a SQLite file at `path` (the sleep is 100 ms); resolves with its id. */
export async function runTracedApp(path: string, user = "user_7"): Promise<string> {
  const fairway = new Fairway({ id: "traced-app", store: path });
  const agent = createAgent({
    name: "assistant",
    system: "You answer briefly.",
    model: scriptedModel(["Looking into it.", "Here is the answer."], { modelName: "demo-model" }),
  });
  fairway.createFunction(
    { id: "assist", concurrency: { limit: 2, key: "event.data.user" } },
    { event: "app/assist" },
    async ({ event, step }) => {
      const first = await agent.run(String(event.data.question));
      await step.sleep("think", "100ms");
      const second = await agent.run("and then?");
      return [first.output.length, second.output.length];
    },
  );
  await fairway.send({ name: "app/assist", data: { user, question: "Why did my run wait?" } });
  const [run] = (await fairway.listRuns({ functionId: "assist", limit: 1 })).runs;
  await fairway.waitForRun(run!.id);
  await fairway.close();
  return run!.id;
}
