import { ConfigError } from "../../errors/config-error.js";
import type { CallSettings } from "./http.js";

/** Options every model helper accepts besides its provider's own. */
export interface TransportOptions {
  /** `fetch` implementation used for calls. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Limit for one whole call, answer and stream included, in ms. @default 600_000 (10 min) */
  timeoutMs?: number;
  /** Clock used to turn an HTTP-date `Retry-After` into a delay, in ms since the epoch. @default Date.now */
  now?: () => number;
}

/** What each wire-format model class is built from (by its provider helpers), besides its endpoint. */
export interface ModelConfig {
  settings: CallSettings;
  /** Auth and extra headers, built per call (keys are read when used). */
  headers: () => Record<string, string>;
  /** Merged into every request body; Fairway's own fields win. */
  defaultParameters: Record<string, unknown>;
}

/** Default whole-call timeout: 10 minutes, enough for long non-streamed generations. */
export const defaultTimeoutMs = 600_000;

/**
 * Checks the options shared by every helper at definition time and fixes the call settings.
 *
 * @throws ConfigError for an empty `model` or a `timeoutMs` that is not a positive number.
 */
export function callSettings(provider: string, model: unknown, options: TransportOptions): CallSettings {
  if (typeof model !== "string" || model.trim() === "") {
    throw new ConfigError("model", 'must be a non-empty model name, e.g. "gpt-4o"', model);
  }
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new ConfigError("timeoutMs", "must be a positive number of ms", timeoutMs);
  return {
    provider,
    model,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs,
    now: options.now ?? Date.now,
  };
}

/** `base` without trailing slashes, joined with `path` (which starts with `/`). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}
