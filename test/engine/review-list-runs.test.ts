import { describe, expect, it } from "vitest";
import type { RunFilter } from "../../src/index.js";
import { makeFairway, storeKinds } from "./helpers.js";
import { settle } from "./review-helpers.js";

describe.each(storeKinds)("listRuns (%s)", (kind) => {
  it("pages are stable: every run once, newest first, while new runs arrive and times tie", async () => {
    const { fairway, clock } = makeFairway(kind);
    fairway.createFunction({ id: "f" }, { event: "e" }, async () => 1);
    for (let index = 0; index < 9; index++) {
      await fairway.send({ name: "e", data: { index } });
      if (index % 4 === 3) await clock.advance(1); // several runs share a createdAt
    }
    await settle();
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await fairway.listRuns({ functionId: "f", limit: 2, ...(cursor ? { cursor } : {}) });
      if (pages === 0) await fairway.send({ name: "e", data: { index: 99 } }); // newer: not in later pages
      seen.push(...page.runs.map((run) => run.event.data.index as number));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 20);
    expect(seen).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(pages).toBe(5);
    await fairway.close();
  });

  it.each<[string, RunFilter, string]>([
    ["an unknown status", { status: "done" as never }, "status"],
    ["a non-string functionId", { functionId: 5 as never }, "functionId"],
    ["a non-numeric since", { since: "yesterday" as never }, "since"],
    ["a NaN until", { until: Number.NaN }, "until"],
    ["limit 0", { limit: 0 }, "limit"],
    ["a foreign cursor", { cursor: "nonsense" }, "cursor"],
  ])("%s is a ValidationError naming the field", async (_, filter, field) => {
    const { fairway } = makeFairway(kind);
    const error = await fairway.listRuns(filter).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ValidationError" });
    expect((error as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual([field]);
    await fairway.close();
  });
});
