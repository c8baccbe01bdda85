/**
 * Test rig for apps written with the real Inngest SDK: a Fairway server on an ephemeral port and an SDK
 * app (`inngest/node`'s `serve`) on another, the SDK pointed at Fairway with `INNGEST_DEV` /
 * `INNGEST_BASE_URL` as a user would.
 */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { vi } from "vitest";
import type { Clock } from "../../src/engine/clock.js";
import { Fairway } from "../../src/index.js";
import type { InngestServerOptions } from "../../src/inngest/inngest-options.js";
import { createServer, type FairwayServer, type ServerAuthOptions } from "../../src/server/index.js";

export const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** For `new Inngest({ id, logger: sdkSilent })`: the SDK logs every step error it reports; tests expect them. */
export const sdkSilent = silent;

/** A Fairway server listening on 127.0.0.1 (open auth unless `auth` says otherwise). */
export async function startFairway(
  options: {
    clock?: Clock;
    inngest?: InngestServerOptions;
    auth?: ServerAuthOptions;
    retryBackoffScale?: number;
  } = {},
): Promise<{ server: FairwayServer; client: Fairway; origin: string; close: () => Promise<void> }> {
  const client = new Fairway({
    id: "fairway-test",
    store: "memory",
    logger: silent,
    ...(options.clock ? { clock: options.clock } : {}),
    retryBackoffScale: options.retryBackoffScale ?? 1,
  });
  const server = createServer({
    client,
    auth: options.auth ?? { open: true },
    inngest: options.inngest ?? {},
    logger: silent,
    dashboard: false,
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
  return { server, client, origin: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** An HTTP server on 127.0.0.1 whose handler is set later (so its URL can be known before the SDK client exists). */
export async function startAppServer(): Promise<{
  url: string;
  use(handler: RequestListener): void;
  close(): Promise<void>;
}> {
  let current: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const http: Server = createHttpServer((req, res) => current(req, res));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/inngest`,
    use(handler) {
      current = handler;
    },
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** Points the SDK at `origin` in dev mode, as `INNGEST_DEV=<origin>` does. */
export function sdkDevEnv(origin: string): void {
  vi.stubEnv("INNGEST_DEV", origin);
  vi.stubEnv("INNGEST_BASE_URL", "");
  vi.stubEnv("INNGEST_SIGNING_KEY", "");
  vi.stubEnv("INNGEST_EVENT_KEY", "");
}

/** `PUT` on the app's endpoint: the SDK syncs its functions to the server it points at. */
export async function syncApp(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: "PUT" });
  return { status: response.status, body: await response.json() };
}

/** Waits until `check` returns a truthy value (polls the condition; fails after `timeoutMs` real ms). */
export function until<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (!value) throw new Error("condition not met yet");
      return value as T;
    },
    { timeout: timeoutMs, interval: 5 },
  );
}

/** A Fairway server and an empty SDK app server, the SDK pointed at Fairway in dev mode; `close` stops both. */
export async function startRig(options: { clock?: Clock } = {}) {
  const fairway = await startFairway(options.clock ? { clock: options.clock } : {});
  const app = await startAppServer();
  sdkDevEnv(fairway.origin);
  return {
    fairway,
    app,
    close: async () => {
      await app.close();
      await fairway.close();
    },
  };
}

/** Spawns a process whose stdout and stderr are collected in `output()`; `stop` sends SIGTERM and waits. */
export function spawnCollecting(
  command: string,
  args: string[],
  options: SpawnOptions,
): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
