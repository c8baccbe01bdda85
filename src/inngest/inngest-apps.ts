/**
 * The apps synced into a Fairway client: `register` turns the functions of a sync (`POST /fn/register`)
 * into Fairway functions whose handler calls the app (`remoteHandler`). A sync is all or nothing: every
 * function is mapped first, and any that cannot run on Fairway refuses the whole sync with a
 * `ConfigError` naming it and the field. Syncing again (the app restarted, moved to another URL) updates
 * each function's call URL in place.
 *
 * @module
 */

import { FUNCTION_FAILED_EVENT } from "../engine/failure-event.js";
import { ConfigError } from "../errors/config-error.js";
import type { Fairway } from "../fairway.js";
import type { AiGatewayOptions } from "./ai-gateway.js";
import type { AppTransport } from "./app-request.js";
import { type MappedFunction, mapFunction } from "./function-mapping.js";
import { type RemoteTarget, remoteHandler } from "./remote-function.js";
import type { RegisterBody } from "./wire.js";

/** Options of {@link InngestApps}. */
export interface InngestAppsOptions {
  /** Signs calls to apps; `undefined` in dev mode. Env `INNGEST_SIGNING_KEY`. */
  signingKey?: string;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Limit for one call to an app (its step's run time included), in ms. @default 600_000 */
  requestTimeoutMs?: number;
  /** See {@link AiGatewayOptions.baseUrls}. @default {} */
  aiBaseUrls?: Record<string, string>;
}

/** What a sync answered: `modified` is true when a function was added or its URL changed. */
export interface SyncResult {
  ok: true;
  modified: boolean;
  functions: string[];
}

interface Synced {
  appName: string;
  target: RemoteTarget;
  /** The mapped config as JSON: a later sync with another config is refused (see `register`). */
  config: string;
}

/** The synced apps of one Fairway client. */
export class InngestApps {
  private readonly synced = new Map<string, Synced>();
  private readonly transport: AppTransport;
  private readonly gateway: AiGatewayOptions;

  constructor(
    private readonly client: Fairway,
    options: InngestAppsOptions = {},
  ) {
    const fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const now = () => client.clock.now();
    const timeoutMs = options.requestTimeoutMs ?? 600_000;
    this.transport = { fetch, timeoutMs, now };
    if (options.signingKey) this.transport.signingKey = options.signingKey;
    this.gateway = { fetch, timeoutMs, now, baseUrls: options.aiBaseUrls ?? {} };
  }

  /**
   * Applies a sync. @throws ConfigError naming `functions[i] ("<id>").<field>` when a function cannot run
   * on Fairway, its id is taken by a function that is not from this app, or its config changed since it
   * was synced (flow-control state is built per definition: restart the server to apply a new config).
   */
  register(body: RegisterBody): SyncResult {
    const mapped = body.functions.map((fn, index) => mapFunction(fn, index));
    mapped.forEach((fn, index) => {
      this.check(fn, index, body.appName);
    });
    const failureHandlers = failureCompanions(mapped);
    let modified = false;
    for (const fn of mapped) {
      const known = this.synced.get(fn.config.id);
      if (known) {
        if (known.target.url !== fn.url) {
          known.target.url = fn.url;
          modified = true;
        }
        continue;
      }
      if (failureHandlers.has(fn.config.id)) continue;
      const target = this.track(fn, body.appName);
      const failure = mapped.find((candidate) => failureHandlers.get(candidate.config.id) === fn.config.id);
      const config = failure
        ? { ...fn.config, onFailure: this.handler(this.track(failure, body.appName)) }
        : fn.config;
      this.client.createFunction(config, this.handler(target));
      modified = true;
    }
    return { ok: true, modified, functions: mapped.map((fn) => fn.config.id) };
  }

  private track(fn: MappedFunction, appName: string): RemoteTarget {
    const target: RemoteTarget = { url: fn.url, retries: fn.config.retries ?? 4 };
    this.synced.set(fn.config.id, { appName, target, config: JSON.stringify(fn.config) });
    return target;
  }

  private handler(target: RemoteTarget) {
    return remoteHandler(target, { transport: this.transport, gateway: this.gateway });
  }

  /** The synced functions: id, app name and call URL. */
  list(): { id: string; appName: string; url: string }[] {
    return [...this.synced].map(([id, synced]) => ({ id, appName: synced.appName, url: synced.target.url }));
  }

  private check(fn: MappedFunction, index: number, appName: string): void {
    const path = `functions[${index}] ("${fn.config.id}")`;
    const known = this.synced.get(fn.config.id);
    if (!known) {
      if (this.client.functions().some((defined) => defined.id === fn.config.id)) {
        throw new ConfigError(
          `${path}.id`,
          "is already defined by a Fairway function of this server; rename one of them",
        );
      }
      return;
    }
    if (known.appName !== appName) {
      throw new ConfigError(`${path}.id`, `is already synced from app "${known.appName}"`);
    }
    if (known.config !== JSON.stringify(fn.config)) {
      throw new ConfigError(
        path,
        "changed its configuration (triggers, flow control or retries) since it was synced; restart the Fairway server to apply the new configuration",
      );
    }
  }
}

/**
 * The SDK registers `onFailure` as a function `<id>-failure` triggered by `inngest/function.failed` with
 * `event.data.function_id == '<id>'`. Fairway sends its failure event only for functions defined with
 * `onFailure`, so such a companion becomes the `onFailure` of `<id>` (Fairway registers it under the same
 * id, trigger and expression). Returns companion id → main function id.
 */
function failureCompanions(mapped: MappedFunction[]): Map<string, string> {
  const ids = new Set(mapped.map((fn) => fn.config.id));
  const companions = new Map<string, string>();
  for (const fn of mapped) {
    const main = fn.config.id.replace(/-failure$/, "");
    const triggers = Array.isArray(fn.config.triggers) ? fn.config.triggers : [];
    const [trigger] = triggers;
    if (
      main !== fn.config.id &&
      ids.has(main) &&
      triggers.length === 1 &&
      trigger !== undefined &&
      "event" in trigger &&
      trigger.event === FUNCTION_FAILED_EVENT &&
      trigger.if?.replace(/\s+/g, "") === `event.data.function_id=='${main}'`
    ) {
      companions.set(fn.config.id, main);
    }
  }
  return companions;
}
