/**
 * Which strings of the client's `store` option name a SQLite file: a path with a directory or an extension
 * (`.fairway/fairway.db`, `./data/runs`, `runs.sqlite`), or SQLite's own in-memory database `":memory:"`.
 * Anything else would become a file of that name in the working directory, which is never what a misspelt
 * `"memory"` (`"Memory"`, `" memory"`) or a bare word (`"memroy"`) meant.
 *
 * @module
 */
import { extname } from "node:path";
import { ConfigError } from "../errors/config-error.js";

/** The names of the two in-memory stores, exactly as they are spelled: the MemoryStore's and SQLite's. */
const IN_MEMORY_NAMES = ["memory", ":memory:"];

/** A name a ConfigError may show: letters, digits, `_` and `-` only (nothing of a URL or a password). */
const PLAIN_NAME = /^[\w-]+$/;

/**
 * Throws ConfigError naming `store` unless `value` (not `"memory"`, not a URL) is a SQLite file path: not
 * empty; not another spelling of `"memory"` or `":memory:"` (letter case, spaces); without whitespace at
 * either end; not starting with `~` (Node does not expand it: `~/x.db` would create a directory `./~`); with
 * a directory (a `/` or `\`) or an extension (`.db`, `.sqlite`, any other), or exactly `":memory:"`. The
 * caller rejects URLs first (`open-store.ts`: any `scheme:`). The message shows the value only when it is a
 * misspelt in-memory name or a plain name.
 */
export function requireSqlitePath(value: string): void {
  if (value === "")
    throw new ConfigError("store", 'must be "memory", a postgres:// URL or a SQLite file path, not empty');
  if (value === ":memory:") return;
  const meant = IN_MEMORY_NAMES.find((name) => name === value.trim().toLowerCase());
  if (meant !== undefined)
    throw new ConfigError(
      "store",
      `${JSON.stringify(value)} is not ${JSON.stringify(meant)}: ${
        meant === "memory" ? "the in-memory store" : "SQLite's in-memory database"
      } is spelled in lower case, without spaces (a SQLite file path has a directory or an extension)`,
    );
  if (value.trim() !== value)
    throw new ConfigError(
      "store",
      'has whitespace at its start or end: remove it (a SQLite file path, a postgres:// URL or "memory")',
    );
  if (value.startsWith("~"))
    throw new ConfigError(
      "store",
      "starts with ~, which Node does not expand to the home directory (it would become a directory named ~): " +
        "use an absolute path, or join(os.homedir(), ...)",
    );
  if (/[/\\]/.test(value) || extname(value).length > 1) return;
  throw new ConfigError(
    "store",
    'must be "memory", a postgres:// URL or a SQLite file path, which has a directory or an extension ' +
      "(./name, data/runs, runs.db): a bare name is more likely a typo than a file in the working directory",
    PLAIN_NAME.test(value) ? value : undefined,
  );
}
