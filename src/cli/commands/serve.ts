import type { AddressInfo } from "node:net";
import { causeText } from "../../errors/cause-text.js";
import { ConfigError } from "../../errors/config-error.js";
import { FairwayError } from "../../errors/fairway-error.js";
import { StoreConnectionError } from "../../errors/store-connection-error.js";
import { isRetryableStoreError } from "../../errors/store-error.js";
import { Fairway } from "../../fairway.js";
import { splitKeys } from "../../server/auth/server-auth.js";
import { createServer, type FairwayServer } from "../../server/create-server.js";
import { requirePostgresUrl } from "../../store/postgres/postgres-url.js";
import type { Store } from "../../store/store.js";
import { loadApp } from "../load-app.js";
import { Progress } from "../progress.js";
import { watchLauncher } from "../watch-launcher.js";

/** Options of `fairway dev` and `fairway start`. */
export interface ServeOptions {
  /** An integer from 0 (any free port) to 65535 (checked by the CLI's parser). */
  port?: number;
  host?: string;
  databaseUrl?: string;
  /** Serve URLs of Inngest SDK apps to sync (`-u`, repeatable). */
  sdkUrl?: string[];
  /** The Inngest apps' signing key (`start`; else env `INNGEST_SIGNING_KEY`). */
  signingKey?: string;
  /** An event key the Inngest apps send with (`start`; else env `INNGEST_EVENT_KEY`). */
  eventKey?: string;
}

/**
 * Loads the app (if one is given), serves it and the Inngest SDK apps of `-u`, and stops gracefully on
 * SIGTERM/SIGINT, or when the npm process that launched it ends (`npx fairway dev`; see
 * `watch-launcher.ts`): stop accepting requests and work, let executing steps finish, close the store,
 * exit 0.
 * `dev` runs open (no credentials, said in the log and a response header); `start` requires keys from
 * the environment (`FAIRWAY_SIGNING_KEY`, `FAIRWAY_EVENT_KEYS`). `--database-url` (start) sets
 * `DATABASE_URL` before the app loads, so a client created without a `store` runs on that PostgreSQL
 * database (what several processes on one database share: `src/store/postgres/ARCHITECTURE.md`).
 *
 * @throws ConfigError naming the variables when `start` finds no key (before loading the app), or the
 *   app is invalid; naming `--database-url` when it is not a postgres:// URL or the app sets its own store;
 *   StoreConnectionError when the server refuses the store's URL at start (naming `--database-url` when
 *   the flag gave it); Error for a port that is taken.
 */
export async function serveCommand(
  file: string | undefined,
  options: ServeOptions,
  mode: "dev" | "start",
): Promise<FairwayServer> {
  if (options.databaseUrl !== undefined) requirePostgresUrl("--database-url", options.databaseUrl);
  const sdkUrls = options.sdkUrl ?? [];
  if (file === undefined && sdkUrls.length === 0) {
    throw new ConfigError(
      "app",
      "give an app module, or the URL of an Inngest SDK app with -u <url>, or both",
    );
  }
  const inngestEventKey = options.eventKey ?? (process.env.INNGEST_EVENT_KEY || undefined);
  if (
    mode === "start" &&
    !process.env.FAIRWAY_SIGNING_KEY &&
    splitKeys(process.env.FAIRWAY_EVENT_KEYS).length === 0 &&
    inngestEventKey === undefined
  ) {
    throw new ConfigError(
      "FAIRWAY_SIGNING_KEY / FAIRWAY_EVENT_KEYS",
      "`fairway start` needs keys: set FAIRWAY_SIGNING_KEY (run API, dashboard) and/or FAIRWAY_EVENT_KEYS (senders, comma-separated), or an Inngest SDK app's event key (--event-key or INNGEST_EVENT_KEY), each 16+ characters; `fairway dev` runs without them",
    );
  }
  const port = options.port ?? (file === undefined ? 8288 : 3010);
  const progress = new Progress();
  progress.update(file === undefined ? "starting" : `loading ${file}`);
  // The app's `new Fairway({ id })` without a `store` opens DATABASE_URL: set it before the module loads.
  if (options.databaseUrl !== undefined) process.env.DATABASE_URL = options.databaseUrl;
  const app =
    file === undefined
      ? { client: new Fairway({ id: "fairway" }), agents: [], networks: [] }
      : await loadApp(file);
  if (options.databaseUrl !== undefined && !readsDatabaseUrl(app.client.store)) {
    throw new ConfigError(
      "--database-url",
      `the app's client sets its own store (${ownStore(app.client.store)}); remove \`store\` from its \`new Fairway({ ... })\` or drop --database-url`,
    );
  }
  const eventKeys = [
    ...splitKeys(process.env.FAIRWAY_EVENT_KEYS),
    ...(inngestEventKey ? [inngestEventKey] : []),
  ];
  const server = createServer({
    client: app.client,
    agents: app.agents,
    networks: app.networks,
    auth: mode === "dev" ? { open: true } : { open: false, ...(eventKeys.length > 0 ? { eventKeys } : {}) },
    inngest: {
      appUrls: sdkUrls,
      ...(mode === "start" && options.signingKey ? { signingKey: options.signingKey } : {}),
    },
  });
  // Before the store opens (it may resume runs) and before "listening" is printed (a supervisor may
  // signal as soon as it reads it): a signal always gets the graceful stop.
  const stop = (signal: string) => {
    process.stdout.write(`${signal}: stopping — no new work; letting executing steps finish\n`);
    server.close().then(
      () => {
        process.stdout.write("stopped\n");
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  // Started by `npx fairway …` or an npm script: npm's signals stop at its shell, so end with npm.
  watchLauncher(() => stop("npm process ended"));
  progress.update("opening the store");
  const unreachable = await app.client.start().then(
    () => undefined,
    (error: unknown) => {
      // The store out of reach for now (the database down, restarting, not up yet) is outlasted: the
      // server listens, answers 503 on /api/health and tries the start again. A mistake to fix (a
      // ConfigError, a database or role the server refuses) ends the command.
      if (isRetryableStoreError(error)) return error;
      throw options.databaseUrl === undefined ? error : asFlagRefusal(error);
    },
  );
  const host = options.host ?? (mode === "dev" ? "127.0.0.1" : "0.0.0.0");
  const address = await listen(server, port, host);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  progress.clear();
  const { store } = app.client;
  const names = app.client.functions().map((fn) => fn.id);
  process.stdout.write(
    `Fairway ${mode} server for app "${app.client.id}" listening on ${url}\n` +
      `store: ${store.kind} ${store.location}\n` +
      `functions: ${names.join(", ") || "(none)"}\n`,
  );
  const pointAt = mode === "dev" ? `INNGEST_DEV=${url}` : `INNGEST_DEV=0 INNGEST_BASE_URL=${url}`;
  for (const sdkUrl of sdkUrls) {
    process.stdout.write(`inngest app: ${sdkUrl} (synced every 5 s; its SDK needs ${pointAt})\n`);
  }
  if (mode === "dev") {
    process.stdout.write(
      `dashboard: ${url}/\nauth: OPEN (dev mode) — anyone who can reach this port can send events and read runs\n`,
    );
  }
  if (unreachable !== undefined) {
    process.stdout.write(
      `store: not reachable yet (${causeText(unreachable)}); serving anyway: GET /api/health answers 503 and the start is tried again after 1 s, 2 s … 60 s\n`,
    );
  }
  return server;
}

/**
 * Whether the app's store is the one `--database-url` names: a PostgreSQL store that read its URL from
 * DATABASE_URL (which the flag set). Read from its fields, so the app's copy of Fairway is told too.
 */
function readsDatabaseUrl(store: Store): boolean {
  return store.kind === "postgres" && (store as { urlSource?: unknown }).urlSource === "DATABASE_URL";
}

/** The app's own store as `--database-url`'s refusal names it: its kind, and where a PostgreSQL URL came from. */
function ownStore(store: Store): string {
  const source = (store as { urlSource?: unknown }).urlSource;
  return typeof source === "string" ? `${store.kind}, its URL from ${source}` : store.kind;
}

/**
 * `error` told as a refusal of `--database-url` when it is the server refusing the URL the app's store read
 * from DATABASE_URL (which the flag set): its message then says to fix the flag, not the variable. Any
 * other error unchanged. Rebuilt from its fields, so an error of the app's copy of Fairway is told too.
 */
function asFlagRefusal(error: unknown): unknown {
  if (!FairwayError.isInstance(error) || error.code !== "store_connection_refused") return error;
  const refused = error as StoreConnectionError;
  if (refused.source !== "DATABASE_URL") return error;
  return new StoreConnectionError(
    { url: refused.url, source: "--database-url" },
    refused.sqlState,
    refused.detail,
    refused.cause,
  );
}

/** Starts listening. @throws Error naming the port when it is taken or not allowed (instead of a crash). */
function listen(server: FairwayServer, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const http = server.listen(port, host, () => resolve(server.address() as AddressInfo));
    http.once("error", (error: NodeJS.ErrnoException) => {
      const why =
        error.code === "EADDRINUSE"
          ? "is already in use: stop the other server or pick another port with -p"
          : `cannot be used (${error.code ?? error.message})`;
      reject(new Error(`port ${port} on ${host} ${why}`));
    });
  });
}
