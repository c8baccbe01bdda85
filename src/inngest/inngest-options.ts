/**
 * Settings of the Inngest SDK protocol on a Fairway server, read from options first, then from the
 * environment variables Inngest's own server uses.
 *
 * @module
 */
import { ConfigError } from "../errors/config-error.js";

/** What `createServer({ inngest })` accepts. */
export interface InngestServerOptions {
  /**
   * The key the apps sign with (`signkey-<env>-<hex>`): Fairway signs its calls to apps and requires it
   * from apps that sync. Unset: dev mode (unsigned calls; syncs accepted only when the server is open).
   * Env `INNGEST_SIGNING_KEY`.
   */
  signingKey?: string;
  /** Accepted from syncing apps too, during a key rotation. Env `INNGEST_SIGNING_KEY_FALLBACK`. */
  signingKeyFallback?: string;
  /** Serve URLs of SDK apps to sync (`fairway dev -u <url>`), after `listen`, then every `syncIntervalMs`. @default [] */
  appUrls?: string[];
  /** Between two syncs of `appUrls`, ms. @default 5000 */
  syncIntervalMs?: number;
  /** Limit for one call to an app, ms. @default 600_000 */
  requestTimeoutMs?: number;
  /**
   * URL prefixes rewritten for `step.ai.infer` model calls. Env `OPENAI_BASE_URL` adds
   * `{ "https://api.openai.com/v1/": OPENAI_BASE_URL }`. @default {}
   */
  aiBaseUrls?: Record<string, string>;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

/** {@link InngestServerOptions} with the environment applied. */
export interface ResolvedInngestOptions {
  signingKeys: string[];
  signingKey?: string;
  appUrls: string[];
  syncIntervalMs: number;
  requestTimeoutMs: number;
  aiBaseUrls: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

const SIGNING_KEY = /^(signkey-\w+-)?([0-9a-fA-F]{2})+$/;

/**
 * Resolves the options. @throws ConfigError naming the option (and env var) for a signing key that is not
 * even-length hex (with an optional `signkey-<env>-` prefix), or an app URL that is not http(s).
 */
export function resolveInngestOptions(
  options: InngestServerOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedInngestOptions {
  const signingKey = options.signingKey ?? nonEmpty(env.INNGEST_SIGNING_KEY);
  const fallback = options.signingKeyFallback ?? nonEmpty(env.INNGEST_SIGNING_KEY_FALLBACK);
  for (const [name, key] of [
    ["inngest.signingKey (or INNGEST_SIGNING_KEY)", signingKey],
    ["inngest.signingKeyFallback (or INNGEST_SIGNING_KEY_FALLBACK)", fallback],
  ] as const) {
    if (key !== undefined && !SIGNING_KEY.test(key)) {
      throw new ConfigError(name, 'must be even-length hex, optionally prefixed "signkey-<env>-"');
    }
  }
  const appUrls = options.appUrls ?? [];
  appUrls.forEach((url, index) => {
    if (!/^https?:\/\/[^/]/.test(url)) {
      throw new ConfigError(
        `inngest.appUrls[${index}]`,
        "must be an http(s) URL of the app's serve endpoint",
        url,
      );
    }
  });
  const aiBaseUrls = { ...options.aiBaseUrls };
  const openaiBase = nonEmpty(env.OPENAI_BASE_URL);
  if (openaiBase && !options.aiBaseUrls) aiBaseUrls["https://api.openai.com/v1/"] = openaiBase;
  const resolved: ResolvedInngestOptions = {
    signingKeys: [signingKey, fallback].filter((key): key is string => key !== undefined),
    appUrls,
    syncIntervalMs: options.syncIntervalMs ?? 5000,
    requestTimeoutMs: options.requestTimeoutMs ?? 600_000,
    aiBaseUrls,
  };
  if (signingKey) resolved.signingKey = signingKey;
  if (options.fetch) resolved.fetch = options.fetch;
  return resolved;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
