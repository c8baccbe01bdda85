/**
 * Named entries (an agent's tools, a network's agents) by name, each name once.
 *
 * @module
 */
import { ConfigError } from "../errors/config-error.js";

/**
 * `entries` by their `name`, in order. Throws ConfigError at `<field>[i].name` for the first name given twice,
 * e.g. `tools[2].name: tool names must be unique in agent "calc"`.
 *
 * @param field the option the entries came from (`tools`, `agents`)
 * @param kind what an entry is, for the message (`tool`, `agent`)
 * @param owner where the names must be unique, for the message (`agent "calc"`)
 */
export function uniqueNames<T extends { name: string }>(
  entries: readonly T[],
  field: string,
  kind: string,
  owner: string,
): Map<string, T> {
  const byName = new Map<string, T>();
  entries.forEach((entry, index) => {
    if (byName.has(entry.name)) {
      throw new ConfigError(
        `${field}[${index}].name`,
        `${kind} names must be unique in ${owner}`,
        entry.name,
      );
    }
    byName.set(entry.name, entry);
  });
  return byName;
}
