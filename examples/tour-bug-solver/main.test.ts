import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openai, ValidationError } from "../../src/index.js";
import { startFakeOpenAi } from "../../test/helpers/fake-provider/index.js";
import { closeServersAfterEach } from "../../test/models/fixtures.js";
import { runExample } from "../shared/run-example.js";
import { offlineSolver } from "./offline-solver.js";
import { solve } from "./solver-network.js";
import { Workspace } from "./workspace.js";

const track = closeServersAfterEach();

const sampleRepo = join(import.meta.dirname, "sample-repo");
const original = readFileSync(join(sampleRepo, "src", "cart.js"), "utf8");
let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.dispose();
  workspace = undefined;
});

describe("guided tour, level 3: an autonomous bug solver on a temporary copy of a repository", () => {
  it("offline: the supervisor routes planner and editor until the copy's tests pass; the original is untouched", async () => {
    workspace = await Workspace.copy(sampleRepo);
    expect((await workspace.runTests()).passed).toBe(false);
    const { data, calls } = await solve(workspace, offlineSolver());
    expect(calls).toEqual(["Planner", "Planner", "Editor", "Editor"]);
    expect(data).toMatchObject({
      tests: "passing",
      plan: { file: "src/cart.js", line: 6 },
      edits: ["src/cart.js"],
    });
    expect(await workspace.read("src/cart.js")).toBe(
      original.replace("i <= lines.length", "i < lines.length"),
    );
    expect((await workspace.runTests()).passed).toBe(true);
    expect(readFileSync(join(sampleRepo, "src", "cart.js"), "utf8")).toBe(original);
  });

  it("the tools cannot leave the copy", async () => {
    workspace = await Workspace.copy(sampleRepo);
    expect(() => workspace?.resolve("../../etc/passwd")).toThrow(ValidationError);
    expect(() => workspace?.resolve("/etc/passwd")).toThrow(/must stay inside the repository/);
    await expect(workspace.search("(")).rejects.toThrow(ValidationError);
  });

  it("with a provider: the routing agent is forced to select_agent and onRoute follows its choice", async () => {
    const fixed = original.replace("i <= lines.length", "i < lines.length");
    const server = track(
      await startFakeOpenAi([
        { toolCalls: [{ name: "select_agent", arguments: { name: "Planner" } }] },
        { toolCalls: [{ name: "save_plan", arguments: { file: "src/cart.js", line: 6, change: "use <" } }] },
        { toolCalls: [{ name: "select_agent", arguments: { name: "Editor" } }] },
        {
          toolCalls: [
            { id: "w", name: "write_file", arguments: { path: "src/cart.js", content: fixed } },
            { id: "t", name: "run_tests", arguments: {} },
          ],
        },
        { toolCalls: [{ name: "select_agent", arguments: { name: "finished" } }] },
      ]),
    );
    workspace = await Workspace.copy(sampleRepo);
    const model = openai({ model: "gpt-4o-mini", apiKey: "sk-test", baseUrl: server.baseUrl });
    const { data, calls } = await solve(workspace, model);
    expect(calls).toEqual(["Planner", "Editor"]);
    expect(data.tests).toBe("passing");
    const choices = server.requests.map((request) => request.body.tool_choice);
    expect(choices[0]).toEqual({ type: "function", function: { name: "select_agent" } });
    expect(server.requests[4]?.body.messages[0].content).toContain("- tests: passing");
  });

  it("main.ts fixes the sample offline and prints the diff", async () => {
    const out = await runExample(join(import.meta.dirname, "main.ts"));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("offline, not an LLM");
    expect(out.stdout).toContain("6: +   for (let i = 0; i < lines.length; i++) {");
    expect(out.stdout).toContain("tests: passing");
  });
});
