/**
 * `fairway.limits`: per-key limit overrides at runtime. An override changes the concurrency, throttle or
 * rate limit of one key value (e.g. one user id) of one function, is stored durably (every worker on the
 * store sees it, a restart keeps it) and applies to the next scheduling decision. Semantics and the seam
 * where it is looked up: `src/flow/limit-overrides.ts`.
 *
 * @module
 */
import { NotFoundError } from "../errors/index.js";
import { compileCel } from "../flow/cel-compile.js";
import { type LimitOverrideInput, normalizeLimitOverride } from "../flow/config/limit-override-config.js";
import type { LimitOverrides } from "../flow/limit-overrides.js";
import type { LimitOverride, Store } from "../store/store.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { RegisteredFunction } from "./registered-function.js";

export type { LimitOverrideInput } from "../flow/config/limit-override-config.js";

export interface LimitsDeps {
  store: Store;
  clock: Clock;
  /**
   * Opens the store (the client's `start`) for `operation`, this class's method called (`"set"`, …); rejects
   * with ClosedError naming it after the client's `close()`.
   */
  start: (operation: string) => Promise<void>;
  findFunction: (id: string) => RegisteredFunction | undefined;
  /** The overrides flow control looks up. */
  overrides: LimitOverrides;
  /** Called after the overrides changed: the scheduler re-checks parked and throttled backlogs. */
  changed: () => void;
  /**
   * A periodic reload failed after one that worked (or the first one failed): called once per run of
   * failures, not on each (a database away for an hour is one line, not one every `everyMs`).
   */
  onError: (error: unknown) => void;
  /** A periodic reload worked after failures reported to `onError`. */
  onRecovered: () => void;
}

export class Limits {
  #timer: TimerHandle | undefined;
  #stopped = false;
  /** Whether the last periodic reload failed (reported to `onError`). */
  #failing = false;

  constructor(private readonly deps: LimitsDeps) {}

  /**
   * Sets (replaces) the override of key value `key` of function `functionId`, e.g.
   * `limits.set("deep-research", "user_7", { concurrency: 3 })`. Returns it as stored.
   *
   * @throws NotFoundError when no function `functionId` is defined on this client.
   * @throws ConfigError naming the field for a bad value, an empty override, or a limit the function does
   *   not key (an override targets one key value, so the function must define that limit with a `key`).
   */
  async set(functionId: string, key: string, limits: LimitOverrideInput): Promise<LimitOverride> {
    const fn = this.deps.findFunction(functionId);
    if (!fn) throw new NotFoundError("function", functionId);
    const normalized = normalizeLimitOverride(functionId, key, limits, fn.config.flow, compileCel);
    await this.deps.start("set");
    const override: LimitOverride = { ...normalized, updatedAt: this.deps.clock.now() };
    await this.deps.store.putLimitOverride(override);
    this.deps.overrides.set(override);
    this.deps.changed();
    return override;
  }

  /** The override of `functionId` × `key`, or `undefined`. */
  async get(functionId: string, key: string): Promise<LimitOverride | undefined> {
    await this.deps.start("get");
    return this.deps.store.getLimitOverride(functionId, key);
  }

  /** Deletes an override (the key goes back to the configured limits). Returns whether there was one. */
  async delete(functionId: string, key: string): Promise<boolean> {
    await this.deps.start("delete");
    const deleted = await this.deps.store.deleteLimitOverride(functionId, key);
    this.deps.overrides.delete(functionId, key);
    this.deps.changed();
    return deleted;
  }

  /** Every override, or those of one function, ordered by function id, then key. */
  async list(functionId?: string): Promise<LimitOverride[]> {
    await this.deps.start("list");
    return this.deps.store.listLimitOverrides(functionId);
  }

  /** Reloads every override from the store (start-up, and periodically to see other workers' changes). */
  async refresh(): Promise<void> {
    this.deps.overrides.replaceAll(await this.deps.store.listLimitOverrides());
    this.deps.changed();
  }

  /**
   * Reloads the overrides every `everyMs` (ms on the engine clock) until {@link stop}, so overrides set
   * by another worker on the same store apply here within that time. `0` does nothing. A failed reload keeps
   * the overrides it had and tries again after `everyMs`; the first failure of a run and the reload that ends
   * it are reported (`onError`, `onRecovered`).
   */
  refreshEvery(everyMs: number): void {
    if (everyMs <= 0 || this.#stopped) return;
    this.#timer = this.deps.clock.setTimeout(() => {
      this.refresh()
        .then(
          () => this.#reloaded(false),
          (error: unknown) => this.#reloaded(true, error),
        )
        .finally(() => this.refreshEvery(everyMs));
    }, everyMs);
  }

  /** Reports the first failure of a run of failed reloads (`error`), and the reload that ends it. */
  #reloaded(failed: boolean, error?: unknown): void {
    if (failed === this.#failing) return;
    this.#failing = failed;
    if (failed) this.deps.onError(error);
    else this.deps.onRecovered();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
