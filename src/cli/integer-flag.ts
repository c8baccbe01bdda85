/**
 * Integer flags of the CLI, parsed by commander (`Option.argParser`) when the command line is read, so a
 * bad value stops the command before it reaches a server: `fairway: --limit: must be an integer from 1 to
 * 500 (received "abc") [config_invalid]`, exit 1 (`main` prints the ConfigError as one line).
 *
 * @module
 */
import { Option } from "commander";
import { ConfigError } from "../errors/config-error.js";

/**
 * A commander option `flags` (e.g. `"-n, --limit <n>"`) whose value must be a whole decimal number from
 * `min` to `max`; it arrives in the action as a number.
 *
 * @throws ConfigError (while the command line is parsed) naming the long flag and the range, with the value.
 */
export function integerOption(flags: string, description: string, min: number, max: number): Option {
  const option = new Option(flags, description);
  return option.argParser((value: string) => {
    const number = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!(number >= min && number <= max))
      throw new ConfigError(option.long ?? flags, `must be an integer from ${min} to ${max}`, value);
    return number;
  });
}
