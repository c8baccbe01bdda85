import type { FairwayFunction } from "../../../src/engine/registered-function.js";
import type { Logger } from "../../../src/engine/types.js";
import { Fairway } from "../../../src/fairway.js";
import { createServer, type FairwayServer, type ServerOptions } from "../../../src/server/index.js";

export const SIGNING_KEY = "test-signing-key-0123456789";
export const EVENT_KEY = "test-event-key-0123456789";

/** A line a {@link memoryLogger} collected: its level, message and fields. */
export interface LogEntry {
  level: keyof Logger;
  message: string;
  fields?: Record<string, unknown>;
}

/** Collects log lines instead of printing them: `lines` the messages of every level, `entries` all of it. */
export function memoryLogger(): Logger & { lines: string[]; entries: LogEntry[] } {
  const lines: string[] = [];
  const entries: LogEntry[] = [];
  const at =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(message);
      entries.push({ level, message, ...(fields && { fields }) });
    };
  return { lines, entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export interface TestServer {
  fairway: Fairway;
  server: FairwayServer;
  logger: ReturnType<typeof memoryLogger>;
  /** Calls the app with `Authorization: Bearer <key>` (signing key by default; `null` for none). */
  call(path: string, init?: RequestInit & { json?: unknown }, key?: string | null): Promise<Response>;
  /** Sends one event through the API and returns the id of the run it started (the newest run). */
  start(name: string, data?: Record<string, unknown>): Promise<string>;
}

/** A server with keys on a memory-store Fairway whose functions `define` creates. */
export function testServer(
  define: (fairway: Fairway) => FairwayFunction[] = () => [],
  options: Partial<ServerOptions> = {},
): TestServer {
  const logger = memoryLogger();
  const fairway = new Fairway({ id: "test-app", store: "memory", retryBackoffScale: 0, logger });
  const functions = define(fairway);
  const server = createServer({
    client: fairway,
    functions,
    auth: { signingKey: SIGNING_KEY, eventKeys: [EVENT_KEY] },
    logger,
    ...options,
  });
  const call: TestServer["call"] = (path, init = {}, key = SIGNING_KEY) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key !== null) headers.set("authorization", `Bearer ${key}`);
    if (json !== undefined) headers.set("content-type", "application/json");
    return Promise.resolve(
      server.app.request(path, {
        ...rest,
        headers,
        ...(json !== undefined && { body: JSON.stringify(json) }),
      }),
    );
  };
  return {
    fairway,
    server,
    logger,
    call,
    async start(name, data = {}) {
      const response = await call("/api/events", { method: "POST", json: { name, data } }, EVENT_KEY);
      if (response.status !== 200)
        throw new Error(`send failed: ${response.status} ${await response.text()}`);
      const { runs } = await fairway.listRuns({ limit: 1 });
      return runs[0]!.id;
    },
  };
}
