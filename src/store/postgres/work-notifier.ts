/**
 * Sends wake-up notices (`work-notice.ts`) after the commits that make work: one `pg_notify` statement in
 * flight at a time, and what commits announce meanwhile leaves together in the next one, so a busy worker
 * sends about one notice per round trip, not one per commit. The notice is its own autocommit statement
 * after the commit (runs stored, wake-ups made claimable, debounce and batch entries written), not part of
 * the committing transaction: PostgreSQL serializes the commits of
 * transactions that NOTIFY (one lock for the whole cluster, held through the commit's WAL flush), which
 * would make every accept wait for the others' flushes; a NOTIFY alone writes no WAL. A hint only: a
 * notice that fails is dropped (the other workers' sweeps find the work).
 *
 * @module
 */
import { isBacklogged } from "../backlogged.js";
import type { FlowPending, RunRecord } from "../store.js";
import { encodeNotice } from "./work-notice.js";

export class WorkNotifier {
  #backlogs = new Set<string>();
  #dueAt: number | undefined;
  #sending: Promise<void> | undefined;

  /** `send(payload)` sends one notice on the store's channel. */
  constructor(
    private readonly sender: string,
    private readonly send: (payload: string) => Promise<unknown>,
  ) {}

  /** Runs a commit created: backlogged ones announce their backlog, delayed starts their start time. */
  created(runs: readonly RunRecord[]): void {
    for (const run of runs) {
      if (isBacklogged(run)) this.#backlogs.add(run.backlogKey);
      else if (run.readyAt !== undefined) this.#due(run.readyAt);
    }
    this.#flush();
  }

  /** A commit made a run claimable at `at` (ms): a resolved wait (`now`), a sleep or a retry. */
  due(at: number): void {
    this.#due(at);
    this.#flush();
  }

  /**
   * A commit wrote debounce or batch entries: the earliest `dueAt` is announced as a wake-up, so a live
   * worker's sweep reads and arms them before they are due, whether or not their writer lives until then.
   */
  pendingWritten(entries: readonly FlowPending[]): void {
    if (entries.length === 0) return;
    for (const entry of entries) this.#due(entry.dueAt);
    this.#flush();
  }

  /** Resolves once no notice is in flight (for `close`). */
  async drain(): Promise<void> {
    while (this.#sending) await this.#sending;
  }

  #due(at: number): void {
    if (this.#dueAt === undefined || at < this.#dueAt) this.#dueAt = at;
  }

  #flush(): void {
    if (this.#sending || (this.#backlogs.size === 0 && this.#dueAt === undefined)) return;
    const payload = encodeNotice({
      sender: this.sender,
      ...(this.#backlogs.size > 0 ? { backlogs: [...this.#backlogs] } : {}),
      ...(this.#dueAt === undefined ? {} : { dueAt: this.#dueAt }),
    });
    this.#backlogs = new Set();
    this.#dueAt = undefined;
    this.#sending = this.send(payload)
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        this.#sending = undefined;
        this.#flush();
      });
  }
}
