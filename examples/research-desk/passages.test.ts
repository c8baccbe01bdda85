import { describe, expect, it } from "vitest";
import { splitPassages } from "./passages.js";

const doc = [
  "Intro line.",
  "",
  "# Install",
  "",
  "npm i thing",
  "",
  "## Usage",
  "",
  "```js",
  "const a = 1",
  "",
  "const b = 2",
  "```",
  "",
  "Second paragraph.",
].join("\n");

describe("splitPassages", () => {
  it("starts a passage at each heading and records offsets into the original text", () => {
    const passages = splitPassages(doc);
    expect(passages.map((p) => p.heading)).toEqual(["", "Install", "Usage"]);
    expect(passages[1]?.text).toBe("# Install\n\nnpm i thing");
    for (const passage of passages) expect(doc.slice(passage.offset).startsWith(passage.text)).toBe(true);
    const usage = passages.filter((p) => p.heading === "Usage");
    expect(usage.every((p) => p.sectionOffset === doc.indexOf("## Usage"))).toBe(true);
  });

  it("keeps a fenced code block whole even across blank lines", () => {
    const code = splitPassages(doc, { maxChars: 10 }).find((p) => p.text.startsWith("```js"));
    expect(code?.text).toBe("```js\nconst a = 1\n\nconst b = 2\n```");
  });

  it("packs blocks under one heading up to maxChars", () => {
    const passages = splitPassages(doc, { maxChars: 900 });
    expect(
      passages.find((p) => p.heading === "Usage" && p.text.includes("Second paragraph"))?.text,
    ).toContain("const b = 2");
    expect(splitPassages("")).toEqual([]);
  });
});
