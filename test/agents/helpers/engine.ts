import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Fairway, type RunEvent } from "../../../src/index.js";
import { FakeClock } from "../../../src/testing/fake-clock.js";

/** A Fairway on a fake clock and an SQLite file in a temp directory (or memory), silent, no backoff. */
export function testFairway(store: "sqlite" | "memory" = "sqlite") {
  const clock = new FakeClock();
  const fairway = new Fairway({
    id: "agents-test",
    store: store === "memory" ? "memory" : join(mkdtempSync(join(tmpdir(), "fairway-agents-")), "fairway.db"),
    clock,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    retryBackoffScale: 0,
  });
  return { fairway, clock };
}

/** Resolves with the first run event of `type`. */
export function nextRunEvent(fairway: Fairway, type: RunEvent["type"]): Promise<RunEvent> {
  return new Promise((resolve) => {
    const off = fairway.onRunEvent((event) => {
      if (event.type === type) {
        off();
        resolve(event);
      }
    });
  });
}

/** The single run of `functionId`. */
export async function onlyRun(fairway: Fairway, functionId: string): Promise<string> {
  const { runs } = await fairway.listRuns({ functionId });
  if (!runs[0]) throw new Error(`no run of ${functionId}`);
  return runs[0].id;
}
