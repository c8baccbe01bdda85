/**
 * The paged scheduler's memory bound (DESIGN.md §3): per backlog, the scheduler holds a _window_ of its
 * backlogged runs (never started, due when created: `src/store/backlogged.ts`), the first ones in serving
 * order (`queueScore`, then id), and a cursor into the store for the rest. So memory follows the number of
 * backlogs and their windows, not the number of queued runs: a million queued runs cost their rows on disk.
 *
 * Invariant per backlog with a cursor: every backlogged run ordered at or before the cursor is in memory (or
 * executing); runs after it are only in the store. Without a cursor, every backlogged run of the backlog is in
 * memory.
 *
 * - A run created in this process joins the window unless the window is full and the run orders after
 *   everything in memory (then the cursor is set there and the run stays in the store); a run that orders
 *   before the cursor (a higher priority) always joins.
 * - When the window falls to half its size as runs are dispatched, it doubles (up to {@link MAX_WINDOW}) and
 *   the next page is read after the cursor (`Store.listBacklogRuns`), so a backlog that drains fast reads big
 *   pages and a throttled one keeps a few runs.
 * - While a refill is in flight, new runs join the window whatever their order, so a run stored after the
 *   read's snapshot is never lost between the two; a run delivered twice is deduplicated by the ready queue.
 * - At start-up every stored backlog gets a cursor before its first run; the refills are read
 *   {@link REFILL_CONCURRENCY} at a time. Every window starts at {@link FIRST_WINDOW} runs.
 * - A window that empties with nothing left in the store is dropped, but its size is remembered (for the
 *   last {@link REMEMBERED_SIZES} backlogs that emptied): a backlog served in bursts (the runs of one group
 *   commit's accepted events arrive together, faster than the dispatcher takes them one by one) keeps the
 *   window it grew to, instead of starting each burst at {@link FIRST_WINDOW} and reading most of it back
 *   from the store.
 *
 * @module
 */

import { queueScoreOf } from "../store/backlogged.js";
import type { BacklogCursor, RunRecord, StoredBacklog } from "../store/store.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { Logger } from "./types.js";

/**
 * Runs a backlog holds before it pages to the store, whether it was created in this process or read at
 * start-up; it doubles each time it drains to half (a backlog that is served grows its window, one that is
 * throttled or blocked keeps a few runs in memory).
 */
export const FIRST_WINDOW = 4;
/** Largest window (runs) a refill grows to. */
export const MAX_WINDOW = 1024;
/** Refill reads in flight at once. */
export const REFILL_CONCURRENCY = 32;
/** Emptied backlogs whose window size is remembered (the oldest is forgotten first). */
export const REMEMBERED_SIZES = 4096;

/** What the windows need of a queued run: its backlog and its order in it. */
export interface WindowedRun {
  runId: string;
  backlogKey: string;
  /** `queueScore` (or `createdAt`), ms. */
  score: number;
}

export interface BacklogWindowsDeps {
  /** Reads a page of a backlog's backlogged runs after `after` (`Store.listBacklogRuns`). */
  read: (backlogKey: string, limit: number, after: BacklogCursor) => Promise<RunRecord[]>;
  /** Hands runs read from the store to the ready queue (each joins its window with `loaded`). */
  deliver: (runs: RunRecord[]) => void;
  logger: Logger;
  /** The engine's clock: a failed refill is retried after a pause on it. */
  clock: Clock;
  /**
   * False: no window is ever full (every backlogged run stays in memory, start-up reads them all), for
   * `ordering: "fifo"`, whose one queue orders runs across backlogs. @default true
   */
  bounded?: boolean;
}

/** The window sizes of one engine (unbounded ones for `bounded: false`). */
interface Sizes {
  first: number;
  max: number;
}

interface Window {
  /** Backlogged runs of this backlog in memory (queued in the ready queue). */
  inMemory: number;
  /** Largest order key that joined the window. */
  max: BacklogCursor | undefined;
  /** Set while runs after it are only in the store. */
  cursor: BacklogCursor | undefined;
  size: number;
  refilling: boolean;
  /** Backlogged runs after the cursor (an estimate: counted when left in the store, less what refills read). */
  stored: number;
}

/** The cursor before every run. */
const BEFORE_ALL: BacklogCursor = { score: Number.MIN_SAFE_INTEGER, id: "" };
const REFILL_RETRY_MS = 1000;

function after(a: BacklogCursor, b: BacklogCursor): boolean {
  return a.score > b.score || (a.score === b.score && a.id > b.id);
}

export class BacklogWindows {
  readonly #windows = new Map<string, Window>();
  readonly #refills: string[] = [];
  #inFlight = 0;
  #failing = false;
  #stopped = false;
  readonly #retries = new Set<TimerHandle>();
  readonly #sizes: Sizes;
  /** Sizes (above the first) of dropped windows, by backlog, oldest first; at most {@link REMEMBERED_SIZES}. */
  readonly #emptied = new Map<string, number>();

  constructor(private readonly deps: BacklogWindowsDeps) {
    const unbounded = Number.MAX_SAFE_INTEGER;
    this.#sizes =
      deps.bounded === false
        ? { first: unbounded, max: unbounded }
        : { first: FIRST_WINDOW, max: MAX_WINDOW };
  }

  /** Start-up: every stored backlog pages from its first run. */
  restore(backlogs: StoredBacklog[]): void {
    for (const { backlogKey, runs } of backlogs) {
      const window = this.#window(backlogKey, this.#sizes.first);
      window.cursor = window.cursor ?? BEFORE_ALL;
      window.stored = runs;
      this.#refill(backlogKey, window);
    }
  }

  /**
   * The stored backlogs as a sweep found them: a backlog with more backlogged runs than this process knows of
   * (another process stored them, or this one failed to queue them) pages from its first run again; runs
   * already queued are skipped when read.
   */
  discover(backlogs: StoredBacklog[]): void {
    for (const { backlogKey, runs } of backlogs) {
      const window = this.#windows.get(backlogKey);
      if (window && (window.cursor !== undefined || window.inMemory >= runs)) continue;
      const found = window ?? this.#window(backlogKey, this.#sizes.first);
      found.cursor = BEFORE_ALL;
      found.stored = Math.max(0, runs - found.inMemory);
      this.#refill(backlogKey, found);
    }
  }

  /**
   * Another process stored backlogged runs in `backlogKeys` (a wake-up notice): a backlog whose runs are
   * all in memory (no cursor), or that this process does not know, pages from its first run again; one with
   * a cursor reads the new runs in their order as it drains. Runs already queued are skipped when read.
   */
  touch(backlogKeys: Iterable<string>): void {
    for (const backlogKey of backlogKeys) {
      const window = this.#window(backlogKey, this.#sizes.first);
      if (window.cursor !== undefined) continue;
      window.cursor = BEFORE_ALL;
      window.stored += 1;
      this.#refill(backlogKey, window);
    }
  }

  /**
   * A backlogged run created in this process is due: whether it joins the window (true: queue it) or stays
   * in the store until its backlog's refill reads it (false).
   */
  admit(run: WindowedRun): boolean {
    const window = this.#window(run.backlogKey, this.#sizes.first);
    const key = { score: run.score, id: run.runId };
    if (window.cursor !== undefined && after(key, window.cursor) && !window.refilling) {
      window.stored += 1;
      return false;
    }
    if (
      window.cursor === undefined &&
      window.inMemory >= window.size &&
      window.max !== undefined &&
      after(key, window.max)
    ) {
      window.cursor = window.max;
      window.stored += 1;
      return false;
    }
    return true;
  }

  /** A backlogged run joined the ready queue (admitted, or read from the store). */
  entered(run: WindowedRun): void {
    const window = this.#window(run.backlogKey, this.#sizes.first);
    window.inMemory += 1;
    const key = { score: run.score, id: run.runId };
    if (window.max === undefined || after(key, window.max)) window.max = key;
  }

  /** A backlogged run left the ready queue (dispatched or removed): refill its window when half empty. */
  left(run: WindowedRun): void {
    const window = this.#windows.get(run.backlogKey);
    if (!window) return;
    window.inMemory -= 1;
    if (window.cursor === undefined) {
      if (window.inMemory <= 0) this.#drop(run.backlogKey, window);
      return;
    }
    if (window.inMemory <= window.size / 2 && !window.refilling) {
      window.size = Math.min(this.#sizes.max, window.size * 2);
      this.#refill(run.backlogKey, window);
    }
  }

  /** The engine is closing: no more reads, retries cancelled, answers still in flight ignored. */
  stop(): void {
    this.#stopped = true;
    this.#refills.length = 0;
    for (const handle of this.#retries) this.deps.clock.clearTimeout(handle);
    this.#retries.clear();
  }

  /** Every backlog with runs only in the store, and how many (an estimate). */
  storedBacklogs(): Array<[string, number]> {
    const rows: Array<[string, number]> = [];
    for (const [key, window] of this.#windows) if (window.stored > 0) rows.push([key, window.stored]);
    return rows;
  }

  /** A window of `size` runs (or the size it had when it was last dropped). */
  #window(backlogKey: string, size: number): Window {
    let window = this.#windows.get(backlogKey);
    if (!window) {
      const remembered = this.#emptied.get(backlogKey);
      if (remembered !== undefined) this.#emptied.delete(backlogKey);
      window = {
        inMemory: 0,
        max: undefined,
        cursor: undefined,
        size: remembered ?? size,
        refilling: false,
        stored: 0,
      };
      this.#windows.set(backlogKey, window);
    }
    return window;
  }

  /** Drops an empty window with no cursor, remembering its size when it grew. */
  #drop(backlogKey: string, window: Window): void {
    this.#windows.delete(backlogKey);
    if (window.size <= this.#sizes.first) return;
    this.#emptied.set(backlogKey, window.size);
    if (this.#emptied.size > REMEMBERED_SIZES) {
      const oldest = this.#emptied.keys().next().value;
      if (oldest !== undefined) this.#emptied.delete(oldest);
    }
  }

  #refill(backlogKey: string, window: Window): void {
    if (window.refilling || this.#stopped) return;
    window.refilling = true;
    this.#refills.push(backlogKey);
    this.#pump();
  }

  #pump(): void {
    while (this.#inFlight < REFILL_CONCURRENCY && this.#refills.length > 0) {
      const backlogKey = this.#refills.shift()!;
      const window = this.#windows.get(backlogKey);
      if (!window?.cursor) {
        if (window) window.refilling = false;
        continue;
      }
      this.#inFlight += 1;
      const limit = Math.max(1, window.size - window.inMemory);
      this.deps
        .read(backlogKey, limit, window.cursor)
        .then((runs) => {
          this.#failing = false;
          if (!this.#stopped) this.#read(backlogKey, window, runs, limit);
        })
        .catch((error: unknown) => {
          if (this.#stopped) return;
          if (!this.#failing)
            this.deps.logger.error("could not read a backlog's next runs; retrying", { backlogKey, error });
          this.#failing = true;
          const handle = this.deps.clock.setTimeout(() => {
            this.#retries.delete(handle);
            window.refilling = false;
            if (window.cursor !== undefined) this.#refill(backlogKey, window);
          }, REFILL_RETRY_MS);
          this.#retries.add(handle);
        })
        .finally(() => {
          this.#inFlight -= 1;
          this.#pump();
        });
    }
  }

  #read(backlogKey: string, window: Window, runs: RunRecord[], limit: number): void {
    const last = runs.at(-1);
    if (runs.length < limit || !last) {
      window.cursor = undefined;
      window.stored = 0;
    } else {
      window.cursor = { score: queueScoreOf(last), id: last.id };
      window.stored = Math.max(0, window.stored - runs.length);
    }
    window.refilling = false;
    this.deps.deliver(runs);
    if (window.cursor !== undefined && window.inMemory <= window.size / 2) this.#refill(backlogKey, window);
    else if (window.cursor === undefined && window.inMemory <= 0) this.#drop(backlogKey, window);
  }
}
