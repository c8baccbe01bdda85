/**
 * A temporary copy of a repository that the bug solver's tools read, search, edit and test. Paths are
 * relative to the copy's root; a path that leaves it is refused. The original is never touched.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { ValidationError } from "../../src/index.js";

/** A line that matched a search. */
export interface SearchHit {
  path: string;
  /** 1-based. */
  line: number;
  text: string;
}

/** The outcome of running the tests. */
export interface TestRun {
  passed: boolean;
  /** The last 4 000 characters of the test runner's output. */
  output: string;
}

/** Longest test run, in ms, before it is killed and reported as failed. */
const testTimeoutMs = 60_000;

export class Workspace {
  private constructor(readonly root: string) {}

  /** Copies `source` (without `node_modules` and `.git`) into a new temporary directory. */
  static async copy(source: string): Promise<Workspace> {
    const root = await mkdtemp(join(tmpdir(), "fairway-bug-solver-"));
    const skipped = new Set(["node_modules", ".git"]);
    await cp(source, root, { recursive: true, filter: (path) => !skipped.has(basename(path)) });
    return new Workspace(root);
  }

  /**
   * The absolute path of `path` inside the workspace.
   *
   * @throws ValidationError when `path` is absolute or leaves the workspace.
   */
  resolve(path: string): string {
    const full = resolve(this.root, path);
    const inside = relative(this.root, full);
    if (isAbsolute(path) || inside.startsWith("..") || isAbsolute(inside)) {
      throw new ValidationError("path", [
        { path: "path", message: `must stay inside the repository (got ${path})` },
      ]);
    }
    return full;
  }

  read(path: string): Promise<string> {
    return readFile(this.resolve(path), "utf8");
  }

  write(path: string, content: string): Promise<void> {
    return writeFile(this.resolve(path), content);
  }

  /** Every file, relative to the root, in sorted order. */
  async files(): Promise<string[]> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(this.root, join(entry.parentPath, entry.name)))
      .sort();
  }

  /**
   * The lines matching the regular expression `pattern` (at most `limit`).
   *
   * @throws ValidationError when `pattern` is not a valid regular expression.
   */
  async search(pattern: string, limit = 20): Promise<SearchHit[]> {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch (error) {
      throw new ValidationError("pattern", [{ path: "pattern", message: (error as Error).message }]);
    }
    const hits: SearchHit[] = [];
    for (const path of await this.files()) {
      const lines = (await this.read(path)).split("\n");
      lines.forEach((text, index) => {
        if (hits.length < limit && regex.test(text)) hits.push({ path, line: index + 1, text: text.trim() });
      });
    }
    return hits;
  }

  /**
   * Runs `node --test` in the workspace (killed after 60 s), without the caller's `NODE_OPTIONS` (a loader
   * such as tsx given to this process there is not the repository's business).
   */
  runTests(): Promise<TestRun> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        ["--test"],
        {
          cwd: this.root,
          timeout: testTimeoutMs,
          encoding: "utf8",
          env: { ...process.env, NODE_OPTIONS: "" },
        },
        (error, stdout, stderr) => done({ passed: !error, output: `${stdout}${stderr}`.slice(-4000) }),
      );
    });
  }

  /** Deletes the copy. */
  dispose(): Promise<void> {
    return rm(this.root, { recursive: true, force: true });
  }
}
