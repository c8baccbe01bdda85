import { splitKeys } from "../../server/auth/server-auth.js";
import type { ApiClientOptions } from "../api-client.js";

/** `--url` and `--key` of the commands that talk to a running server. */
export interface ConnectionOptions {
  url?: string;
  key?: string;
}

/**
 * Resolves the server URL and credential: flags first, then the environment — `FAIRWAY_URL`, and for
 * sending `FAIRWAY_EVENT_KEY`, else the first of the server's own `FAIRWAY_EVENT_KEYS` (one shell may run
 * both), else `FAIRWAY_SIGNING_KEY`; for reading runs `FAIRWAY_SIGNING_KEY`.
 */
export function connectionOf(
  options: ConnectionOptions,
  use: "event" | "admin",
  env: NodeJS.ProcessEnv = process.env,
): ApiClientOptions {
  const key =
    options.key ??
    (use === "event"
      ? (env.FAIRWAY_EVENT_KEY ?? splitKeys(env.FAIRWAY_EVENT_KEYS)[0] ?? env.FAIRWAY_SIGNING_KEY)
      : env.FAIRWAY_SIGNING_KEY);
  return { url: options.url ?? env.FAIRWAY_URL ?? "http://127.0.0.1:3010", ...(key && { key }) };
}
