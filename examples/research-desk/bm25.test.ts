import { describe, expect, it } from "vitest";
import { Bm25Index } from "./bm25.js";

describe("Bm25Index", () => {
  const index = new Bm25Index([
    ["cron", "job", "timezone"],
    ["cron", "cron", "cron", "pattern"],
    ["json", "parse", "proto"],
    ["cron", "schedule", "job", "job", "run", "run", "run", "later", "pattern", "syntax", "example"],
  ]);

  it("ranks the document with the rarer matching term first", () => {
    expect(index.search(["cron", "timezone"])[0]?.doc).toBe(0);
    expect(index.search(["proto"]).map((hit) => hit.doc)).toEqual([2]);
  });

  it("gives rarer terms a higher idf and unknown terms none", () => {
    expect(index.idf("timezone")).toBeGreaterThan(index.idf("cron"));
    expect(index.idf("missing")).toBe(0);
    expect(index.search(["missing"])).toEqual([]);
  });

  it("saturates term frequency and normalises by length", () => {
    const hits = index.search(["cron"]);
    expect(hits[0]?.doc).toBe(1);
    const short = hits.find((hit) => hit.doc === 0)?.score ?? 0;
    const long = hits.find((hit) => hit.doc === 3)?.score ?? 0;
    expect(short).toBeGreaterThan(long);
    expect(index.search(["cron"], 2)).toHaveLength(2);
  });

  it("handles an empty index", () => {
    expect(new Bm25Index([]).search(["x"])).toEqual([]);
  });
});
