import { describe, expect, it } from "vitest";
import { keywords, stem, stripMarkup, tokenize } from "./tokenize.js";

describe("tokenize", () => {
  it("lower-cases, drops stop words and stems inflections to the same term", () => {
    expect(tokenize("How do I parse the Options?")).toEqual(["pars", "option"]);
    expect(new Set(["parse", "parses", "parsed", "parsing"].map(stem))).toEqual(new Set(["pars"]));
    expect(stem("retries")).toBe("retry");
    expect(stem("stopped")).toBe("stop");
    expect(stem("status")).toBe("status");
    expect(stem("sqlite3")).toBe("sqlite3");
  });

  it("ignores link targets, images and HTML tags but keeps link text", () => {
    expect(stripMarkup('[docs](https://x.dev/a) <img src="b.png"> ![badge](https://c)')).not.toMatch(
      /x\.dev|png|badge/,
    );
    expect(tokenize("[WAL mode](./docs/performance.md)")).toEqual(["wal", "mode"]);
  });

  it("keywords are distinct terms in first-seen order", () => {
    expect(keywords("cron cron timezone Cron timezones")).toEqual(["cron", "timezone"]);
    expect(keywords("how do I do it?")).toEqual([]);
  });
});
