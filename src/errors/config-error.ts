import { FairwayError } from "./fairway-error.js";

/**
 * Invalid or incompatible configuration, thrown at definition time (never at run time).
 * `path` names the field, e.g. `"concurrency[1].key"` or `"throttle.period"`; `rule` says what it broke.
 *
 * @example new ConfigError("throttle.period", "must be a duration between 1s and 7d", "0s")
 */
export class ConfigError extends FairwayError {
  readonly path: string;
  readonly rule: string;

  constructor(path: string, rule: string, received?: unknown) {
    const got = received === undefined ? "" : ` (received ${describe(received)})`;
    super("config_invalid", `${path}: ${rule}${got}`);
    this.path = path;
    this.rule = rule;
  }
}

/** `value` as an error message shows it: JSON (cut at 80 characters), or its string when JSON has none (NaN, Infinity, a function). */
function describe(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}
