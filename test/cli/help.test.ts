import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";

/** `fairway <path…> --help` as commander prints it (one line per description, however long). */
function help(...path: string[]): string {
  let command = buildProgram();
  for (const name of path) command = command.commands.find((sub) => sub.name() === name)!;
  return command.configureOutput({ getOutHelpWidth: () => 1000 }).helpInformation();
}

describe("fairway help", () => {
  it("usage and limits say which key they send: the signing key to a server with keys, none to an open dev server", () => {
    for (const command of ["usage", "limits"]) {
      const text = help(command);
      expect(text).not.toMatch(/needs the signing key\)/);
      expect(text).toContain(
        "wants its signing key: --key or FAIRWAY_SIGNING_KEY; an open `fairway dev` needs none",
      );
    }
    expect(help()).toMatch(/usage .*an open `fairway dev` needs none/);
  });
});
