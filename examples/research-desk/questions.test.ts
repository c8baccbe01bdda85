import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { citedSources, citesSource } from "./citation.js";
import { loadCorpus } from "./corpus.js";
import { loadQuestions } from "./questions.js";

const listDir = mkdtempSync(join(tmpdir(), "questions-"));
let listCount = 0;
afterAll(() => rmSync(listDir, { recursive: true, force: true }));

function writeList(content: unknown): URL {
  listCount += 1;
  const file = join(listDir, `questions-${listCount}.json`);
  writeFileSync(file, JSON.stringify(content));
  return pathToFileURL(file);
}

describe("questions.json", () => {
  it("has at least 50 questions, each answered by a corpus file", () => {
    const questions = loadQuestions(new Set(loadCorpus().map((file) => file.path)));
    expect(questions.length).toBeGreaterThanOrEqual(50);
    expect(new Set(questions.map((q) => q.file)).size).toBeGreaterThanOrEqual(15);
  });

  it("rejects duplicates, unknown files and short lists, naming the field", () => {
    const base = Array.from({ length: 50 }, (_, i) => ({
      id: `q${i}`,
      question: `question number ${i}?`,
      file: "a/README.md",
    }));
    const duplicate = writeList({ about: "x", questions: [...base, { ...base[0] }] });
    expect(() => loadQuestions(new Set(["a/README.md"]), duplicate)).toThrow(
      /questions\[50\]\.id: duplicate id "q0"/,
    );
    expect(() => loadQuestions(new Set(["b/README.md"]), writeList({ about: "x", questions: base }))).toThrow(
      /questions\[0\]\.file/,
    );
    expect(() => loadQuestions(undefined, writeList({ about: "x", questions: base.slice(1) }))).toThrow(
      ValidationError,
    );
  });
});

describe("citations", () => {
  it("reads Source lines, with or without backticks, bold or node_modules/ prefix", () => {
    expect(citedSources("text\nSource: croner/README.md")).toEqual(["croner/README.md"]);
    expect(citedSources("**Sources:** `node_modules/ms/readme.md`, `ulid/README.md`")).toEqual([
      "ms/readme.md",
      "ulid/README.md",
    ]);
    expect(citedSources("no citation here")).toEqual([]);
  });

  it("counts an answer right only when it cites the file among at most two", () => {
    expect(citesSource("…\nSource: commander/readme.md", "commander/Readme.md")).toBe(true);
    expect(citesSource("Source: a/README.md, b/README.md, c/README.md", "a/README.md")).toBe(false);
    expect(citesSource("croner/README.md is mentioned but not cited", "croner/README.md")).toBe(false);
  });
});
