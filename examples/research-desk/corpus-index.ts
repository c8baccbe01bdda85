/**
 * The research desk's search engine over the corpus: list files, keyword search (BM25 over passages,
 * one hit per file), and bounded reads. These three are what the research agent's tools call.
 *
 * @module
 */
import { NotFoundError, ValidationError } from "../../src/index.js";
import { Bm25Index } from "./bm25.js";
import type { CorpusFile } from "./corpus.js";
import { type Passage, splitPassages } from "./passages.js";
import { tokenize } from "./tokenize.js";

/** A file as `list_files` shows it. */
export interface FileInfo {
  path: string;
  packageName: string;
  /** Length of the file in characters. */
  chars: number;
}

/** One search result: a file, its score, and its best-matching passage. */
export interface SearchHit {
  path: string;
  score: number;
  /** Heading above the best passage. */
  heading: string;
  /** Character offset of the section (heading line) holding the best passage: a good `offset` for `read_file`. */
  offset: number;
  /** The start of the best passage, whitespace collapsed, at most 240 characters. */
  snippet: string;
}

/** A bounded slice of a file, as `read_file` returns it. */
export interface FileSlice {
  path: string;
  offset: number;
  text: string;
  totalChars: number;
  /** Offset of the next unread character, absent when the slice reaches the end. */
  nextOffset?: number;
}

/** Default and maximum characters `readFile` returns. */
export const READ_DEFAULT_CHARS = 6000;
export const READ_MAX_CHARS = 20_000;

/** Package-name terms are repeated this many times in each passage of the package (field boosting). */
const TITLE_WEIGHT = 2;
/** Heading terms are repeated this many times in the passages under the heading. */
const HEADING_WEIGHT = 2;
/** Weight of a file's second-best passage in the file's score (evidence spread over a section). */
const SECOND_PASSAGE_WEIGHT = 0.25;

interface IndexedPassage extends Passage {
  file: number;
}

/** Builds once from the corpus files; all methods are synchronous and read-only. */
export class CorpusIndex {
  readonly #files: CorpusFile[];
  readonly #byPath = new Map<string, CorpusFile>();
  readonly #passages: IndexedPassage[] = [];
  readonly #bm25: Bm25Index;

  constructor(files: readonly CorpusFile[]) {
    this.#files = [...files];
    const documents: string[][] = [];
    this.#files.forEach((file, index) => {
      this.#byPath.set(file.path, file);
      const title = tokenize(file.packageName.replace(/[@/]/g, " "));
      for (const passage of splitPassages(file.text)) {
        this.#passages.push({ ...passage, file: index });
        const heading = tokenize(passage.heading);
        documents.push([
          ...repeat(title, TITLE_WEIGHT),
          ...repeat(heading, HEADING_WEIGHT),
          ...tokenize(passage.text),
        ]);
      }
    });
    this.#bm25 = new Bm25Index(documents);
  }

  /** Every file of the corpus, sorted by path. */
  listFiles(): FileInfo[] {
    return this.#files.map((file) => ({
      path: file.path,
      packageName: file.packageName,
      chars: file.text.length,
    }));
  }

  /** Whether `path` names a corpus file. */
  has(path: string): boolean {
    return this.#byPath.has(path);
  }

  /**
   * Ranks files for a free-text query: each passage is scored with BM25, a file scores its best passage
   * plus a quarter of its second best, and each file is returned once with its best passage.
   * An empty or stop-word-only query returns no hits.
   *
   * @param limit maximum hits, 1–20 (default 5); outside that range throws `ValidationError`.
   */
  search(query: string, limit = 5): SearchHit[] {
    if (!Number.isInteger(limit) || limit < 1 || limit > 20) {
      throw new ValidationError("search", [{ path: "limit", message: "must be an integer from 1 to 20" }]);
    }
    const best = new Map<number, { passage: IndexedPassage; first: number; second: number }>();
    for (const { doc, score } of this.#bm25.search(tokenize(query))) {
      const passage = this.#passages[doc];
      if (!passage) continue;
      const entry = best.get(passage.file);
      if (!entry) best.set(passage.file, { passage, first: score, second: 0 });
      else if (entry.second === 0) entry.second = score;
    }
    return [...best.values()]
      .map(({ passage, first, second }) => ({
        path: this.#files[passage.file]?.path ?? "",
        score: round(first + SECOND_PASSAGE_WEIGHT * second),
        heading: passage.heading,
        offset: passage.sectionOffset,
        snippet: passage.text.replace(/\s+/g, " ").trim().slice(0, 240),
      }))
      .sort((x, y) => y.score - x.score || (x.path < y.path ? -1 : 1))
      .slice(0, limit);
  }

  /**
   * Reads up to `length` characters of a file from `offset`.
   *
   * @param offset 0-based character offset, default 0; must be within the file.
   * @param length default {@link READ_DEFAULT_CHARS}, at most {@link READ_MAX_CHARS}.
   * @throws NotFoundError when `path` is not a corpus file (nothing outside the corpus can be read).
   * @throws ValidationError when `offset` or `length` is out of range.
   */
  readFile(path: string, offset = 0, length = READ_DEFAULT_CHARS): FileSlice {
    const file = this.#byPath.get(path);
    if (!file) throw new NotFoundError("corpus file", path);
    const issues = [];
    if (!Number.isInteger(offset) || offset < 0 || offset > file.text.length) {
      issues.push({ path: "offset", message: `must be an integer from 0 to ${file.text.length}` });
    }
    if (!Number.isInteger(length) || length < 1 || length > READ_MAX_CHARS) {
      issues.push({ path: "length", message: `must be an integer from 1 to ${READ_MAX_CHARS}` });
    }
    if (issues.length > 0) throw new ValidationError("read_file", issues);
    const end = Math.min(file.text.length, offset + length);
    const slice: FileSlice = {
      path,
      offset,
      text: file.text.slice(offset, end),
      totalChars: file.text.length,
    };
    if (end < file.text.length) slice.nextOffset = end;
    return slice;
  }
}

function repeat(terms: string[], times: number): string[] {
  return Array.from({ length: times }, () => terms).flat();
}

function round(score: number): number {
  return Math.round(score * 1000) / 1000;
}
