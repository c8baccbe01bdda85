import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors/index.js";
import { type SlotClaim, SlotClaimBatches, type SlotScopes } from "../../src/store/postgres/slot-claims.js";

const fnWide: SlotScopes = { scopes: ["fn:f"], limits: [2] };
const claimOf = (runId: string, owner = "w"): SlotClaim => ({
  runId,
  owner,
  now: 1,
  leaseEnd: 1001,
  substitute: false,
});

/**
 * Batches over a scripted write: every batch's claims are recorded, and it settles only when the test calls
 * `settle(outcome)`: the runs it claimed, or an error.
 */
function scripted(maxBatch?: number) {
  const batches: Array<{
    scopes: SlotScopes;
    runIds: string[];
    settle: (outcome: { claimed: string[] } | { error: unknown }) => void;
  }> = [];
  const claims = new SlotClaimBatches<string>(
    (scopes, batch) =>
      new Promise((resolve, reject) => {
        batches.push({
          scopes,
          runIds: batch.map((claim) => claim.runId),
          settle: (outcome) => {
            if ("error" in outcome) reject(outcome.error);
            else
              resolve(
                new Map(
                  batch
                    .filter((claim) => outcome.claimed.includes(claim.runId))
                    .map((claim) => [claim.runId, `claimed ${claim.runId}`]),
                ),
              );
          },
        });
      }),
    maxBatch,
  );
  /** Lets the mutex hand the scope on (a few microtask turns). */
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  return { claims, batches, settled };
}

describe("SlotClaimBatches: a process's claims of one scope set leave together", () => {
  it("claims asked in one turn leave as one batch in the order asked, each caller with its own outcome", async () => {
    const { claims, batches, settled } = scripted();
    const outcomes = ["r1", "r2", "r3"].map((id) => claims.claim(fnWide, claimOf(id)));
    await settled();
    expect(batches.map((batch) => batch.runIds)).toEqual([["r1", "r2", "r3"]]);
    batches[0]!.settle({ claimed: ["r1", "r3"] });
    expect(await Promise.all(outcomes)).toEqual(["claimed r1", undefined, "claimed r3"]);
  });

  it("claims asked while a batch of their scope is in flight wait for it, then leave together; other scopes do not wait", async () => {
    const { claims, batches, settled } = scripted();
    const first = claims.claim(fnWide, claimOf("r1"));
    await settled();
    const queued = ["r2", "r3"].map((id) => claims.claim(fnWide, claimOf(id)));
    const otherScope = claims.claim({ scopes: ["fn:g"], limits: [1] }, claimOf("g1"));
    await settled();
    expect(batches.map((batch) => batch.runIds)).toEqual([["r1"], ["g1"]]);
    batches[0]!.settle({ claimed: ["r1"] });
    expect(await first).toBe("claimed r1");
    await settled();
    expect(batches.map((batch) => batch.runIds)).toEqual([["r1"], ["g1"], ["r2", "r3"]]);
    batches[2]!.settle({ claimed: ["r2", "r3"] });
    batches[1]!.settle({ claimed: [] });
    expect(await Promise.all([...queued, otherScope])).toEqual(["claimed r2", "claimed r3", undefined]);
  });

  it("claims of another owner or other limits never share a batch, and a batch holds at most maxBatch claims", async () => {
    const { claims, batches, settled } = scripted(2);
    const outcomes = [
      claims.claim(fnWide, claimOf("a1")),
      claims.claim(fnWide, claimOf("b1", "other")),
      claims.claim({ scopes: ["fn:f"], limits: [3] }, claimOf("c1")),
      claims.claim(fnWide, claimOf("a2")),
      claims.claim(fnWide, claimOf("a3")),
    ];
    for (let round = 0; round < 4; round++) {
      await settled();
      for (const batch of batches) batch.settle({ claimed: batch.runIds });
    }
    await Promise.all(outcomes);
    expect(batches.map((batch) => batch.runIds)).toEqual([["a1", "a2"], ["b1"], ["c1"], ["a3"]]);
  });

  it("a batch refused for good is sent again claim by claim, so only the claim the database refuses fails", async () => {
    const { claims, batches, settled } = scripted();
    const outcomes = ["r1", "r2"].map((id) =>
      claims.claim(fnWide, claimOf(id)).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    );
    await settled();
    batches[0]!.settle({ error: new Error("permanent") });
    await settled();
    expect(batches.map((batch) => batch.runIds)).toEqual([["r1", "r2"], ["r1"]]);
    batches[1]!.settle({ error: new Error("r1 is refused") });
    await settled();
    batches[2]!.settle({ claimed: ["r2"] });
    const [r1, r2] = await Promise.all(outcomes);
    expect(r1).toEqual({ error: new Error("r1 is refused") });
    expect(r2).toEqual({ value: "claimed r2" });
  });

  it("a retryable StoreError fails every claim of the batch once (none was told it holds its run)", async () => {
    const { claims, batches, settled } = scripted();
    const outcomes = ["r1", "r2"].map((id) => claims.claim(fnWide, claimOf(id)).catch((error) => error));
    await settled();
    const down = new StoreError("connection lost", { retryable: true });
    batches[0]!.settle({ error: down });
    expect(await Promise.all(outcomes)).toEqual([down, down]);
    expect(batches).toHaveLength(1);
  });
});
