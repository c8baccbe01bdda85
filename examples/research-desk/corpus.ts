/**
 * The research desk's corpus: documentation written by others that every clone has after `npm ci` —
 * the English README (and `docs/**\/*.md`, where a package ships them) of each package pinned in
 * package.json's `dependencies` and `devDependencies`. Type-only `@types/*` stubs are left out (their
 * READMEs are generated boilerplate). Paths are relative to `node_modules/`, e.g. `"croner/README.md"`.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** One document of the corpus. */
export interface CorpusFile {
  /** Path relative to `node_modules/`, with `/` separators, e.g. `"@hono/node-server/README.md"`. */
  path: string;
  /** The npm package the file belongs to, e.g. `"@hono/node-server"`. */
  packageName: string;
  text: string;
}

/** Where the repository root is: two levels above this file. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The packages whose docs make up the corpus: direct dependencies and dev dependencies, minus `@types/*`. */
export function corpusPackages(root: string = REPO_ROOT): string[] {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const names = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
  return [...new Set(names)].filter((name) => !name.startsWith("@types/")).sort();
}

function markdownUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...markdownUnder(full));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith(".md")) found.push(full);
  }
  return found.sort();
}

/** The documentation files of one installed package: its `README.md` (any case) and `docs/**\/*.md`. */
function packageDocs(packageDir: string): string[] {
  if (!existsSync(packageDir) || !statSync(packageDir).isDirectory()) return [];
  const readme = readdirSync(packageDir).find((name) => name.toLowerCase() === "readme.md");
  return [...(readme ? [join(packageDir, readme)] : []), ...markdownUnder(join(packageDir, "docs"))];
}

/**
 * Loads the corpus from `root/node_modules`. Packages that are not installed contribute nothing (the caller
 * can compare against {@link corpusPackages}); files are returned sorted by path.
 */
export function loadCorpus(root: string = REPO_ROOT): CorpusFile[] {
  const modules = join(root, "node_modules");
  const files: CorpusFile[] = [];
  for (const packageName of corpusPackages(root)) {
    for (const full of packageDocs(join(modules, packageName))) {
      const path = relative(modules, full).split(sep).join("/");
      files.push({ path, packageName, text: readFileSync(full, "utf8") });
    }
  }
  return files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
