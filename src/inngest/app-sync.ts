/**
 * Keeps SDK apps synced, as Inngest's dev server does for `-u <url>`: a `PUT` on an app's serve URL makes
 * the SDK post its functions to this server's `/fn/register`. `syncAll` does it once for every URL;
 * `start` repeats it every `intervalMs` (5 s by default, Inngest's `--poll-interval`), so an app that was
 * down, or restarted, is synced when it comes back. The log says when an app becomes unreachable and when
 * it is synced again, once per change.
 *
 * @module
 */
import type { Logger } from "../engine/types.js";

/** Options of {@link AppSync}. */
export interface AppSyncOptions {
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  logger: Logger;
  /** Between two rounds of syncs, ms. @default 5000 */
  intervalMs?: number;
  /** Limit for one sync, ms. @default 30000 */
  timeoutMs?: number;
}

/** The outcome of one sync: `ok`, or why not (unreachable, or the app's own error message). */
export interface AppSyncOutcome {
  url: string;
  ok: boolean;
  message: string;
}

/** Syncs a fixed list of app URLs, once or periodically. */
export class AppSync {
  private readonly fetch: typeof globalThis.fetch;
  private readonly last = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<AppSyncOutcome[]> | undefined;

  constructor(
    readonly urls: readonly string[],
    private readonly options: AppSyncOptions,
  ) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Syncs every URL once (concurrently); never throws. */
  syncAll(): Promise<AppSyncOutcome[]> {
    this.running ??= Promise.all(this.urls.map((url) => this.sync(url))).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Syncs now, then every `intervalMs` until {@link stop}. */
  start(): Promise<AppSyncOutcome[]> {
    const first = this.syncAll();
    this.timer ??= setInterval(() => void this.syncAll(), this.options.intervalMs ?? 5000);
    this.timer.unref();
    return first;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sync(url: string): Promise<AppSyncOutcome> {
    let outcome: AppSyncOutcome;
    try {
      const response = await this.fetch(url, {
        method: "PUT",
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
      const text = await response.text();
      outcome = {
        url,
        ok: response.ok,
        message: response.ok ? "synced" : `HTTP ${response.status}: ${text.slice(0, 300)}`,
      };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
      outcome = { url, ok: false, message: `unreachable (${cause ?? (error as Error).message})` };
    }
    if (this.last.get(url) !== outcome.ok) {
      if (outcome.ok) this.options.logger.info(`inngest app synced: ${url}`);
      else this.options.logger.warn(`inngest app not synced: ${url}: ${outcome.message}; retrying`);
      this.last.set(url, outcome.ok);
    }
    return outcome;
  }
}
