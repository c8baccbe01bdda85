import { describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "../../src/index.js";
import { corpusPackages, loadCorpus } from "./corpus.js";
import { CorpusIndex, READ_MAX_CHARS } from "./corpus-index.js";

describe("the corpus", () => {
  const files = loadCorpus();

  it("is the READMEs of the pinned direct dependencies, without @types stubs", () => {
    const packages = corpusPackages();
    expect(packages).toContain("croner");
    expect(packages.some((name) => name.startsWith("@types/"))).toBe(false);
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(new Set(files.map((file) => file.packageName)).size).toBe(files.length);
    expect(files.map((file) => file.path)).toContain("@marcbachmann/cel-js/README.md");
    expect(files.every((file) => !file.path.includes("\\") && /readme\.md$/i.test(file.path))).toBe(true);
  });
});

describe("CorpusIndex", () => {
  const files = [
    {
      path: "a/README.md",
      packageName: "a",
      text: "# A\n\nCron jobs with a timezone option.\n\n## Other\n\nUnrelated words.",
    },
    { path: "b/README.md", packageName: "b", text: "# B\n\nParse JSON safely, strip __proto__ keys." },
  ];
  const index = new CorpusIndex(files);

  it("lists files with sizes", () => {
    expect(index.listFiles()).toEqual([
      { path: "a/README.md", packageName: "a", chars: files[0]?.text.length },
      { path: "b/README.md", packageName: "b", chars: files[1]?.text.length },
    ]);
  });

  it("returns one hit per file with its best passage's section offset", () => {
    const [hit, ...rest] = index.search("timezone for cron");
    expect(hit).toMatchObject({ path: "a/README.md", heading: "A", offset: 0 });
    expect(hit?.snippet).toContain("timezone option");
    expect(rest).toEqual([]);
    expect(index.search("the of and")).toEqual([]);
    expect(() => index.search("cron", 0)).toThrow(ValidationError);
  });

  it("reads bounded slices and says where the next one starts", () => {
    const slice = index.readFile("a/README.md", 2, 10);
    expect(slice).toEqual({
      path: "a/README.md",
      offset: 2,
      text: files[0]?.text.slice(2, 12),
      totalChars: files[0]?.text.length,
      nextOffset: 12,
    });
    expect(index.readFile("b/README.md").nextOffset).toBeUndefined();
  });

  it("refuses paths outside the corpus and out-of-range reads, naming the field", () => {
    expect(() => index.readFile("../package.json")).toThrow(NotFoundError);
    expect(() => index.readFile("a/README.md", -1)).toThrow(/offset/);
    expect(() => index.readFile("a/README.md", 0, READ_MAX_CHARS + 1)).toThrow(/length/);
  });
});
