/**
 * The run record the store suites build their runs from, without vitest, so a benchmark can build the same
 * runs (`bench/claim-sets.ts`).
 */
import type { RunRecord } from "../../src/store/store.js";

/** The suites' clock at the start of every case, epoch ms. */
export const T0 = 1_000_000;

/** A queued run of function `fn`, due at T0 (fields override). */
export function run(id: string, fields: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    functionId: "fn",
    status: "queued",
    eventIds: [],
    events: [{ name: "e", data: {}, id: "x", ts: T0 }],
    attempt: 0,
    createdAt: T0,
    readyAt: T0,
    eventSeq: 0,
    backlogKey: "fn\u0000",
    ...fields,
  };
}
