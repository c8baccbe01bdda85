/**
 * `npx tsx examples/tracing/main.ts`: runs the traced app and prints its spans to the console
 * (`ConsoleSpanExporter`): the run span, two executions (before and after a sleep), step spans and the
 * GenAI `chat demo-model` spans, all with one trace id.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { ConsoleSpanExporter } from "@opentelemetry/sdk-trace-base";
import { runTracedApp, startTracing } from "./traced-app.js";

mkdirSync(".fairway", { recursive: true });
const stop = startTracing(new ConsoleSpanExporter());
await runTracedApp(join(mkdtempSync(join(".fairway", "tracing-")), "fairway.db"));
await stop();
