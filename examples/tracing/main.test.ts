import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { runTracedApp, startTracing } from "./traced-app.js";

describe("tracing example", () => {
  it("exports one trace per run: the run, both executions around the sleep, steps and GenAI spans", async () => {
    const exporter = new InMemorySpanExporter();
    const stop = startTracing(exporter);
    const runId = await runTracedApp(join(mkdtempSync(join(tmpdir(), "fairway-tracing-")), "fairway.db"));
    const spans = exporter.getFinishedSpans();
    await stop();
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
    const names = spans.map((span) => span.name);
    expect(names.filter((name) => name === "fairway.execution assist")).toHaveLength(2);
    expect(names.filter((name) => name === "chat demo-model")).toHaveLength(2);
    const run = spans.find((span) => span.name === "fairway.run assist");
    expect(run?.attributes).toMatchObject({ "fairway.run.id": runId, "fairway.tenant.key": "user_7" });
  });
});
