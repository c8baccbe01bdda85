import { setMaxListeners } from "node:events";
import { createServer as createHttpServer, Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import type { Agent } from "../agents/agent.js";
import type { ThreadStore } from "../agents/history/thread-store.js";
import type { Network } from "../agents/network.js";
import type { FairwayFunction } from "../engine/registered-function.js";
import type { Logger, RunEvent } from "../engine/types.js";
import { ConfigError } from "../errors/config-error.js";
import { LimitError } from "../errors/limit-error.js";
import { NotFoundError } from "../errors/not-found-error.js";
import { type AnyFairway, Fairway } from "../fairway.js";
import { AppSync, type AppSyncOutcome } from "../inngest/app-sync.js";
import { InngestApps } from "../inngest/inngest-apps.js";
import { type InngestServerOptions, resolveInngestOptions } from "../inngest/inngest-options.js";
import { agentFunctions } from "./agent-functions.js";
import { allowedHosts } from "./allowed-hosts.js";
import { type AuthVariables, isAdminRequest } from "./auth/guard.js";
import { resolveServerAuth, type ServerAuthOptions } from "./auth/server-auth.js";
import { requestBodyLimit } from "./body-limit.js";
import { type ClientStarter, type StartState, startClient } from "./client-starter.js";
import { withDefaultHost } from "./default-host.js";
import { EventBuffer } from "./event-buffer.js";
import { errorReplies } from "./http-status.js";
import { checkReadiness } from "./readiness.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { eventRoutes } from "./routes/events.js";
import { flowRoutes } from "./routes/flow.js";
import { functionRoutes } from "./routes/functions.js";
import { healthRoutes } from "./routes/health.js";
import { inngestRoutes } from "./routes/inngest.js";
import { limitRoutes } from "./routes/limits.js";
import { runRoutes } from "./routes/runs.js";
import { threadHistoryRoutes } from "./routes/thread-history.js";
import { threadRoutes } from "./routes/threads.js";
import { tokenRoutes } from "./routes/tokens.js";
import { usageRoutes } from "./routes/usage.js";
import { defaultTenantOf, RunAccess, type TenantOf } from "./run-access.js";
import { sameOriginWrites } from "./same-origin.js";
import { StoreProbe } from "./store-probe.js";
import { ThreadStreams } from "./thread-streams.js";

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The Fairway client whose functions are served. @default the client that created `functions`, else `new Fairway({ id: appId })` */
  client?: AnyFairway;
  /** App id used when no client is given, and as the prefix of agent/network trigger events. @default client.id, else "agent-kit" */
  appId?: string;
  /** Functions to serve; each must have been created by `client`. */
  functions?: FairwayFunction[];
  /** Agents served as functions `agent-<slug>`, triggered by `<client.id>/agent-<slug>` with `data.input`. */
  agents?: Agent[];
  /** Networks served as functions `network-<slug>`, triggered by `<client.id>/network-<slug>` with `data.input` (and `threadId`, `userId`). */
  networks?: Network[];
  /** Credentials; see {@link ServerAuthOptions}. Keys may also come from the environment. */
  auth?: ServerAuthOptions;
  /**
   * Without credentials (open mode) the server answers only requests addressed (`Host`) to `localhost`,
   * `*.localhost` or an IP address, against DNS rebinding; these host names are accepted too: `"app.test"`
   * exactly, `".example.com"` for the domain and its subdomains. Ignored when keys are configured.
   * @default []
   */
  allowedHosts?: string[];
  /** Which tenant a run belongs to, for tenant tokens. @default `event.data.userId ?? event.data.user_id` */
  tenantOf?: TenantOf;
  /**
   * The thread store behind `GET /api/threads` and `GET /api/threads/:threadId/messages` (give the one
   * your networks' `history` uses, e.g. `sqliteHistory()`). @default none: those routes answer 404
   */
  history?: ThreadStore;
  /** Where agent events are published for thread streams. @default a new ThreadStreams */
  streams?: ThreadStreams;
  /** Largest request body accepted, bytes. @default 8 MiB (events are also limited to 512 KB each) */
  maxBodyBytes?: number;
  /** Serve the dashboard at `/`. @default true */
  dashboard?: boolean;
  /** @default the client's logger */
  logger?: Logger;
  /** Apps written with the Inngest SDK: signing keys, app URLs to sync. See docs/inngest-sdk.md. */
  inngest?: InngestServerOptions;
}

/**
 * What {@link createServer} returns: a Node `http.Server` (as AgentKit's `createServer` returns), not yet
 * listening — `listen`, `address()`, its events (`listening`, `request`, `error`, `close`) are Node's —
 * with Fairway's parts attached and a graceful `close`.
 */
export interface FairwayServer extends Server {
  // `listen` is Node's (`listen(port, host?, callback?)`, `listen({ port, host })`, …). Without credentials
  // (open mode) a call that names no host binds 127.0.0.1, this machine only; with keys, Node's default
  // (every interface).
  /** The Hono app: `app.request(path, init)` calls it without a socket (tests). */
  readonly app: Hono;
  readonly client: AnyFairway;
  readonly streams: ThreadStreams;
  /** True when the server runs without credentials (dev mode). */
  readonly open: boolean;
  /** The Inngest SDK apps synced into `client` (`POST /fn/register`). */
  readonly inngest: InngestApps;
  /** Syncs every `inngest.appUrls` app now (`listen` also does, then every `syncIntervalMs`). */
  syncApps(): Promise<AppSyncOutcome[]>;
  /** Fetch handler, for any server that speaks the Fetch API. */
  fetch(request: Request): Promise<Response>;
  /**
   * Graceful stop: stops accepting connections, ends open streams, waits for requests in flight, then
   * closes the client (executing steps finish; see `Fairway.close`). Idempotent. With Node's callback
   * (called with the error, if any, once stopped) it returns the server, as `http.Server#close` does;
   * without one it returns a promise.
   */
  close(callback: (error?: Error) => void): this;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 8 * 1024 * 1024;

/**
 * Serves a Fairway app over HTTP: the event API, the run API, live SSE streams, and the dashboard.
 * Endpoints: docs/api.md.
 *
 * @throws ConfigError for invalid auth options, a function not created by `client`, or invalid `inngest`
 *   options (a signing key that is not hex, also from `INNGEST_SIGNING_KEY`; an app URL that is not http(s)).
 * @example
 * const fairway = new Fairway({ id: "my-app" });
 * const fn = fairway.createFunction({ id: "hello" }, { event: "app/hello" }, async () => "hi");
 * createServer({ client: fairway, functions: [fn] }).listen(3010, () => console.log("listening"));
 */
export function createServer(options: ServerOptions = {}): FairwayServer {
  const client =
    options.client ?? ownerOf(options.functions ?? []) ?? new Fairway({ id: options.appId ?? "agent-kit" });
  checkFunctions(client, options.functions ?? []);
  const logger = options.logger ?? client.logger;
  const auth = resolveServerAuth(options.auth);
  const inngestOptions = resolveInngestOptions(options.inngest);
  const inngest = new InngestApps(client, inngestOptions);
  const appSync = new AppSync(inngestOptions.appUrls, {
    logger,
    intervalMs: inngestOptions.syncIntervalMs,
    ...(inngestOptions.fetch ? { fetch: inngestOptions.fetch } : {}),
  });
  const streams = options.streams ?? new ThreadStreams();
  agentFunctions(client, {
    agents: options.agents ?? [],
    networks: options.networks ?? [],
    streaming: { publish: streams.publish },
  });
  const runEvents = new EventBuffer<RunEvent>();
  const unsubscribe = client.onRunEvent((event) => runEvents.publish(event));
  const access = new RunAccess(client, options.tenantOf ?? defaultTenantOf);
  const errors = errorReplies(
    (c) => isAdminRequest(auth, c),
    (message) => logger.error(message),
  );
  const shutdown = new AbortController();
  // Every open stream listens for shutdown: no listener cap (else Node warns of a leak past 10 streams).
  setMaxListeners(0, shutdown.signal);

  const app = new Hono<{ Variables: AuthVariables }>();
  const hosts = allowedHosts(options.allowedHosts);
  if (auth.open) {
    app.use(hosts);
    logger.warn(
      "server auth is OPEN (development: keys are not checked): anyone who can reach this port can read and change runs. Outside development serve with `fairway start` and FAIRWAY_SIGNING_KEY / FAIRWAY_EVENT_KEYS.",
    );
    app.use(async (c, next) => {
      await next();
      c.header("X-Fairway-Auth", "open");
    });
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const limit = requestBodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => {
      const declared = Number(c.req.header("content-length"));
      const size = Number.isFinite(declared) ? declared : maxBodyBytes + 1;
      const hint = Number.isFinite(declared) ? "Send fewer events per request." : "Counted up to the limit.";
      return errors.send(c, new LimitError("request body", maxBodyBytes, size, "bytes", hint));
    },
  });
  app.use(sameOriginWrites());
  app.use("/api/*", limit);
  app.use("/e/*", limit);
  app.use("/fn/*", limit);
  // The client starts when the port listens (runs resume, crons arm) without waiting for a request; a
  // server that never listens (served through `fetch`) starts it at the first health check.
  let starter: ClientStarter | undefined;
  /** Starts the client if nothing has and the server is not closing; where its start stands. */
  const startIfIdle = (): StartState => {
    if (!closing) starter ??= startClient(client, logger);
    return starter?.state() ?? { phase: "stopped" };
  };
  const probe = new StoreProbe({ ping: () => client.store.ping(), clock: client.clock, logger });
  const readiness = () =>
    checkReadiness({ startState: startIfIdle, start: () => client.start(), probe, clock: client.clock });
  app.route(
    "/",
    healthRoutes(auth, () => client.functions().length, readiness),
  );
  app.route("/", eventRoutes(auth, client, errors));
  app.route("/", inngestRoutes(auth, inngest, inngestOptions.signingKeys, errors));
  app.route("/", runRoutes({ auth, client, access, runEvents, signal: shutdown.signal, errors }));
  app.route(
    "/",
    functionRoutes(auth, () => client.functions()),
  );
  app.route("/", flowRoutes(auth, client));
  app.route("/", limitRoutes(auth, client));
  app.route("/", usageRoutes(auth, client));
  app.route("/", threadRoutes(auth, streams, shutdown.signal, errors));
  app.route("/", threadHistoryRoutes(auth, client, options.history));
  app.route("/", tokenRoutes(auth));
  if (options.dashboard !== false) app.route("/", dashboardRoutes());
  app.notFound((c) => errors.send(c, new NotFoundError("route", `${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => errors.send(c, error));

  const server = createHttpServer(getRequestListener(app.fetch)) as FairwayServer;
  let closing: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    closing ??= (async () => {
      unsubscribe();
      starter?.stop();
      appSync.stop();
      shutdown.abort();
      await closeHttp(server);
      await client.close();
    })();
    return closing;
  };
  function close(callback: (error?: Error) => void): FairwayServer;
  function close(): Promise<void>;
  function close(callback?: (error?: Error) => void): FairwayServer | Promise<void> {
    if (!callback) return stop();
    stop().then(() => callback(), callback);
    return server;
  }
  // As AgentKit's createServer, syncing Inngest SDK apps starts when the port listens too.
  server.once("listening", () => {
    startIfIdle();
    if (appSync.urls.length > 0) void appSync.start();
  });
  // Open mode (no keys) binds this machine only unless the caller names a host (DNS rebinding, §3 of docs/api.md).
  if (auth.open) {
    const listen = server.listen.bind(server) as (...args: unknown[]) => FairwayServer;
    server.listen = ((...args: unknown[]) =>
      listen(...withDefaultHost(args, "127.0.0.1"))) as typeof server.listen;
  }
  return Object.assign(server, {
    app: app as unknown as Hono,
    client,
    streams,
    open: auth.open,
    inngest,
    syncApps: () => appSync.syncAll(),
    fetch: (request: Request) => Promise.resolve(app.fetch(request)),
    close,
  });
}

/** The one client that defined `functions` (none given: `undefined`). @throws ConfigError when they come from two clients */
function ownerOf(functions: FairwayFunction[]): Fairway | undefined {
  const owners = new Set(functions.map((fn) => Fairway.clientOf(fn)));
  if (owners.size > 1) {
    throw new ConfigError("functions", "come from more than one Fairway client; serve one client per server");
  }
  return [...owners][0];
}

function checkFunctions(client: AnyFairway, functions: FairwayFunction[]): void {
  const known = new Set(client.functions());
  functions.forEach((fn, index) => {
    if (!known.has(fn)) {
      throw new ConfigError(
        `functions[${index}]`,
        `"${fn?.id}" was not created by this client; pass the Fairway instance that created it as \`client\``,
      );
    }
  });
}

/**
 * Stops accepting connections and resolves when requests in flight have finished. Keep-alive sockets are
 * closed as soon as they are idle (checked every 20 ms), so a client's idle connection never delays exit.
 */
function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const sweep = setInterval(() => server.closeIdleConnections(), 20);
    Server.prototype.close.call(server, () => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
