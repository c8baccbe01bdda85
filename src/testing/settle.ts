/**
 * `settle()`: lets the engine react to what a test just did, without wall-clock margins: runs event-loop
 * turns until no `setImmediate` and no file-system request (the SQLite store's fsync) is pending.
 *
 * @module
 */
/** Most event-loop turns `settle` waits for the engine to go quiet (a guard against endless immediates). */
const MAX_SETTLE_TURNS = 10_000;

/**
 * Lets queued callbacks, promise jobs and setImmediate work run: at least 5 event-loop turns, then more
 * while a `setImmediate` or a file-system request is still pending (the SQLite store's group commit writes
 * at the end of a turn and, with `synchronous: "full"`, answers after an fsync on the thread pool, so a
 * chain of writes takes a turn and an fsync each).
 */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < MAX_SETTLE_TURNS; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (turn < 4) continue;
    const pending = process.getActiveResourcesInfo();
    if (pending.includes("Immediate")) continue;
    if (!pending.includes("FSReqCallback")) return;
    // Only file I/O is pending: wait for it in the poll phase instead of spinning turns.
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}
