import { describe, expect, it } from "vitest";
import { defaultLogger } from "../../src/engine/default-logger.js";
import { StoreError } from "../../src/errors/index.js";
import { unreachableStoreError } from "../helpers/unreachable-store-error.js";

/** The default logger writing into an array. */
function printed() {
  const lines: string[] = [];
  return { lines, logger: defaultLogger((line) => lines.push(line)) };
}

const unreachable = () => unreachableStoreError("listLimitOverrides", 3, 5999);

describe("the default logger", () => {
  it("prints a retryable StoreError field as one line with its code, no stack", () => {
    const { lines, logger } = printed();
    logger.error("could not reload limit overrides", { error: unreachable() });
    logger.error("run execution abandoned (store or engine error); retrying from its last checkpoint", {
      runId: "r1",
      failures: 2,
      error: unreachable(),
    });
    expect(lines).toEqual([
      "[fairway] could not reload limit overrides { error: 'StoreError (store_failed): PostgreSQL store: listLimitOverrides failed: the database is unreachable or busy (3 tries): connect ECONNREFUSED 127.0.0.1:5999' }",
      "[fairway] run execution abandoned (store or engine error); retrying from its last checkpoint { runId: 'r1', failures: 2, error: 'StoreError (store_failed): PostgreSQL store: listLimitOverrides failed: the database is unreachable or busy (3 tries): connect ECONNREFUSED 127.0.0.1:5999' }",
    ]);
  });

  it("keeps the stack of an unexpected error, and of a store failure that retrying does not fix", () => {
    const { lines, logger } = printed();
    logger.error("cron fire failed", { error: new TypeError("cannot read x of undefined") });
    logger.warn("retention sweep failed", { error: new StoreError("disk full", { retryable: false }) });
    expect(lines[0]).toMatch(
      /^\[fairway\] cron fire failed \{\s+error: TypeError: cannot read x of undefined\n\s+at /,
    );
    expect(lines[1]).toMatch(/StoreError: disk full\n\s+at /);
  });

  it("prints warnings and errors (without fields: the message alone) and drops debug and info", () => {
    const { lines, logger } = printed();
    logger.debug("d");
    logger.info("i", { error: unreachable() });
    logger.warn("w");
    logger.error("e", { runId: "r1" });
    expect(lines).toEqual(["[fairway] w", "[fairway] e { runId: 'r1' }"]);
  });
});
