/**
 * zod issues as Fairway's `ValidationIssue`s: one per problem, each naming its field's path.
 *
 * @module
 */
import type { z } from "zod";
import type { ValidationIssue } from "./validation-error.js";

/**
 * Turns zod issues into `ValidationIssue`s whose paths start at `prefix` (`"data"` gives `"data.user.id"`,
 * `"data.tags[2]"`); an unknown key (strict objects) becomes one issue per key, `"unknown field"`.
 */
export function zodIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): ValidationIssue[] {
  return issues.flatMap((issue) => {
    const path = formatPath(issue.path, prefix);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: joinPath(path, key), message: "unknown field" }));
    }
    return [{ path, message: issue.message }];
  });
}

function formatPath(path: readonly PropertyKey[], prefix: string): string {
  return path.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : joinPath(out, String(key))),
    prefix,
  );
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
