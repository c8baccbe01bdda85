/**
 * Fires `{ cron }` triggers on the engine clock. Each fire starts one run with event
 * `fairway/scheduled.timer` (`data.cron` = the pattern), deduplicated per (function, fire time) so two
 * processes on one store start it once. Fires missed while no process ran are not made up.
 *
 * @module
 */
import type { Clock, TimerHandle } from "./clock.js";
import { parseCron } from "./cron.js";
import type { RegisteredFunction } from "./registered-function.js";
import type { EventPayload } from "./step-types.js";
import type { Logger } from "./types.js";

/** Name of the event a cron fire sends. */
export const CRON_EVENT = "fairway/scheduled.timer";

type Fire = (fn: RegisteredFunction, payload: EventPayload, dedupKey: string) => Promise<void>;

export class CronTriggers {
  private readonly timers = new Set<TimerHandle>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly fire: Fire,
  ) {}

  /** Arms every cron trigger of `fn`. */
  add(fn: RegisteredFunction): void {
    for (const trigger of fn.triggers) {
      if (trigger.kind === "cron") this.arm(fn, trigger.cron, this.clock.now());
    }
  }

  stop(): void {
    this.stopped = true;
    for (const handle of this.timers) this.clock.clearTimeout(handle);
    this.timers.clear();
  }

  private arm(fn: RegisteredFunction, pattern: string, after: number): void {
    if (this.stopped) return;
    const at = parseCron(pattern, "cron").next(after);
    if (at === undefined) return;
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      const payload = { name: CRON_EVENT, data: { cron: pattern }, ts: at };
      this.fire(fn, payload, `cron:${pattern}:${at}`).catch((error: unknown) => {
        this.logger.error("cron fire failed", { functionId: fn.id, cron: pattern, error });
      });
      this.arm(fn, pattern, at);
    }, at - this.clock.now());
    this.timers.add(handle);
  }
}
