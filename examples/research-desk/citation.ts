/**
 * How the research desk judges an answer: it must cite the file that answers the question on a
 * `Source:` line, and cite at most two files (so listing every file does not count as citing the right one).
 *
 * @module
 */

/** The paths an answer cites on its `Source:` / `Sources:` lines (comma-separated, backticks ignored). */
export function citedSources(answer: string): string[] {
  const cited: string[] = [];
  for (const match of answer.matchAll(/^\s*\**sources?\**\s*:\s*(.+)$/gim)) {
    for (const part of (match[1] ?? "").split(/[,;]| and /)) {
      const path = part
        .replace(/[`*[\]()]/g, "")
        .trim()
        .replace(/^node_modules\//, "");
      if (path) cited.push(path);
    }
  }
  return [...new Set(cited)];
}

/** True when `answer` cites `expectedPath` (case-insensitively) among at most two sources. */
export function citesSource(answer: string, expectedPath: string): boolean {
  const cited = citedSources(answer);
  const expected = expectedPath.toLowerCase();
  return cited.length <= 2 && cited.some((path) => path.toLowerCase() === expected);
}
