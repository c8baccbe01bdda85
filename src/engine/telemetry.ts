/**
 * OpenTelemetry for the engine, through `@opentelemetry/api` only: the app registers a tracer and meter
 * provider (any SDK, any exporter); without one every call here is the API's no-op.
 *
 * Traces: a run is one trace across suspensions, retries and workers. When the run is created, a
 * `fairway.run <function>` span (the run's identity: function, run id, tenant key) is started as a child of
 * whatever span is active where the event was sent, and its W3C `traceparent` is stored with the run
 * (`RunRecord.traceParent`). That span covers the run's creation; every execution of the run — on any
 * worker, after any sleep or restart — is a `fairway.execution <function>` span under it, with one
 * `fairway.step <id>` span per `step.run` attempt, and the agent layer's GenAI spans (model calls, tool
 * calls) under those.
 *
 * Metrics: `fairway.runs.started`, `fairway.runs.finished` (by status), `fairway.run.start_latency`
 * (creation → first execution, ms), `fairway.queue.depth` (queued runs per function × key, observed) and the
 * GenAI `gen_ai.client.token.usage` histogram (agent layer).
 *
 * @module
 */
import {
  type Attributes,
  type Context,
  type Counter,
  context,
  type Histogram,
  type MeterProvider,
  metrics,
  type ObservableCallback,
  type ObservableGauge,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { RunRecord } from "../store/store.js";
import { backlogLabel } from "./ready-queue.js";

/** Instrumentation scope name of Fairway's tracer and meter. */
export const INSTRUMENTATION_SCOPE = "fairway";

const tracer = trace.getTracer(INSTRUMENTATION_SCOPE);

/**
 * The API's no-op tracer provider, what `trace.getTracerProvider()` delegates to until an SDK registers one
 * (a fresh `ProxyTracerProvider` hands out that singleton).
 */
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether a tracer provider is registered now. Without one, `tracer.startSpan` returns the API's no-op span,
 * which carries its parent's span context unchanged: running code inside it or not is the same.
 */
export function tracing(): boolean {
  const provider = trace.getTracerProvider();
  const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
  return delegate !== NOOP_TRACER_PROVIDER;
}

/** Fairway's metric instruments, made from the meter provider registered when they are first used. */
export interface Instruments {
  runsStarted: Counter;
  runsFinished: Counter;
  startLatency: Histogram;
  queueDepth: ObservableGauge;
  tokenUsage: Histogram;
  operationDuration: Histogram;
}

let cached: { provider: MeterProvider; instruments: Instruments } | undefined;
/** Queue-depth callbacks of the live clients: re-attached when the app registers a (new) meter provider. */
const queueCallbacks = new Set<ObservableCallback>();

/**
 * The instruments of the meter provider registered now. The metrics API has no proxy provider (unlike
 * traces), so instruments made before the app registers its SDK would be no-ops forever: they are made
 * again, once, when the registered provider changes.
 */
export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider === provider) return cached.instruments;
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  const made: Instruments = {
    runsStarted: meter.createCounter("fairway.runs.started", {
      description: "Runs that started executing for the first time",
    }),
    runsFinished: meter.createCounter("fairway.runs.finished", {
      description: "Runs that ended, by fairway.run.status (completed, failed, cancelled)",
    }),
    startLatency: meter.createHistogram("fairway.run.start_latency", {
      description: "Start latency: run creation to first execution",
      unit: "ms",
    }),
    queueDepth: meter.createObservableGauge("fairway.queue.depth", {
      description: "Runs per function and key, by fairway.queue.state (queued, running, throttled)",
      unit: "{run}",
    }),
    tokenUsage: meter.createHistogram("gen_ai.client.token.usage", {
      description: "Tokens used per model call, by gen_ai.token.type (input, output)",
      unit: "{token}",
    }),
    operationDuration: meter.createHistogram("gen_ai.client.operation.duration", {
      description: "Duration of a model call",
      unit: "s",
    }),
  };
  if (cached) for (const callback of queueCallbacks) cached.instruments.queueDepth.removeCallback(callback);
  for (const callback of queueCallbacks) made.queueDepth.addCallback(callback);
  cached = { provider, instruments: made };
  return made;
}

/** Observes a client's queue depth at each collection until {@link unobserveQueue}. */
export function observeQueue(callback: ObservableCallback): void {
  queueCallbacks.add(callback);
  instruments().queueDepth.addCallback(callback);
}

export function unobserveQueue(callback: ObservableCallback): void {
  queueCallbacks.delete(callback);
  cached?.instruments.queueDepth.removeCallback(callback);
}

/** Attributes that identify a run: function, run id, tenant key, concurrency keys. */
export function runAttributes(run: RunRecord): Attributes {
  const attributes: Attributes = {
    "fairway.function.id": run.functionId,
    "fairway.run.id": run.id,
    "fairway.tenant.key": backlogLabel(run.backlogKey),
  };
  if (run.concurrencyKeys) attributes["fairway.concurrency.keys"] = run.concurrencyKeys;
  return attributes;
}

/**
 * Starts and ends the run's span (at its creation time) in the active context and returns the run with
 * its `traceParent`; a run unchanged when no tracer provider records it (no provider, or not sampled).
 */
export function traceRunCreation(run: RunRecord): RunRecord {
  if (run.status === "skipped") return run;
  const span = tracer.startSpan(`fairway.run ${run.functionId}`, {
    kind: SpanKind.INTERNAL,
    startTime: run.createdAt,
    attributes: runAttributes(run),
  });
  const { traceId, spanId, traceFlags } = span.spanContext();
  const recording = span.isRecording();
  span.end(run.createdAt);
  if (!recording) return run;
  return { ...run, traceParent: `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, "0")}` };
}

const TRACE_PARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The context whose parent is the run's stored span (W3C `traceparent`), or the active one without it. */
export function runContext(traceParent: string | undefined): Context {
  const match = traceParent === undefined ? null : TRACE_PARENT.exec(traceParent);
  if (!match) return context.active();
  const [, traceId, spanId, flags] = match;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: Number.parseInt(flags!, 16),
    isRemote: true,
  });
}

/**
 * Runs `fn` inside a new span `name` under `parent` (default: the active context): ends it when `fn`
 * settles, with an error status and the exception recorded when it throws.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T | Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * {@link inSpan} for code that runs once per step: when no tracer provider is registered ({@link tracing}),
 * `fn` is called as it is (its value or promise returned unchanged), without the span's name and
 * attributes (`describe`) or the no-op span and the context that would carry it. With a provider, the span
 * `describe()` names, under the active context.
 */
export function inSpanIfTracing<T>(
  describe: () => { name: string; attributes: Attributes },
  fn: () => T | Promise<T>,
): T | Promise<T> {
  if (!tracing()) return fn();
  const { name, attributes } = describe();
  return inSpan(name, attributes, fn);
}

/** Counts a run's first execution and records its start latency (creation → now, ms). */
export function recordRunStarted(run: RunRecord, now: number): void {
  const attributes = { "fairway.function.id": run.functionId };
  const { runsStarted, startLatency } = instruments();
  runsStarted.add(1, attributes);
  startLatency.record(Math.max(0, now - run.createdAt), attributes);
}

/** Counts a run that ended with `status` (completed, failed, cancelled). */
export function recordRunFinished(functionId: string, status: string): void {
  instruments().runsFinished.add(1, { "fairway.function.id": functionId, "fairway.run.status": status });
}
