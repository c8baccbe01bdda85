import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { ConfigError } from "../../src/errors/index.js";

/** Parses `args` as `fairway <args>` in process; nothing is sent (every server URL is a closed port). */
function parse(...args: string[]) {
  return buildProgram().exitOverride().parseAsync(args, { from: "user" });
}

describe("the CLI's integer flags are checked when the command line is read", () => {
  it.each([
    [["runs", "--limit", "abc"], "--limit", 'must be an integer from 1 to 500 (received "abc")'],
    [["runs", "-n", "0"], "--limit", 'must be an integer from 1 to 500 (received "0")'],
    [["runs", "-n", "501"], "--limit", "must be an integer from 1 to 500"],
    [["runs", "-n", "2.5"], "--limit", "must be an integer from 1 to 500"],
    [["send", "e", "--file", "x.jsonl", "--batch", "many"], "--batch", "must be an integer from 1 to 5000"],
    [["dev", "--port", "70000"], "--port", "must be an integer from 0 to 65535"],
    [["start", "-p", "http"], "--port", "must be an integer from 0 to 65535"],
    [
      ["limits", "set", "f", "u", "--concurrency", "three"],
      "--concurrency",
      "must be an integer from 1 to 1000000",
    ],
    [
      ["limits", "set", "f", "u", "--throttle-limit", ""],
      "--throttle-limit",
      "must be an integer from 1 to 1000000",
    ],
    [
      ["limits", "set", "f", "u", "--throttle-burst", "-1"],
      "--throttle-burst",
      "must be an integer from 0 to 1000000",
    ],
    [
      ["limits", "set", "f", "u", "--rate-limit", "1e3"],
      "--rate-limit",
      "must be an integer from 1 to 10000",
    ],
  ])("fairway %j: a ConfigError naming %s and the rule, before any request", async (args, flag, rule) => {
    const error = await parse(...args, "--url", "http://127.0.0.1:9").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ path: flag });
    expect((error as Error).message).toContain(`${flag}: ${rule}`);
  });

  it("hands the action numbers (the defaults too)", async () => {
    const program = buildProgram();
    const runs = program.commands.find((command) => command.name() === "runs")!;
    runs.parseOptions(["-n", "7"]);
    expect(runs.opts().limit).toBe(7);
    const send = program.commands.find((command) => command.name() === "send")!;
    expect(send.opts().batch).toBe(500);
    expect(
      buildProgram()
        .commands.find((command) => command.name() === "runs")!
        .opts().limit,
    ).toBe(20);
  });
});
