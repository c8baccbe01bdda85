/**
 * Level 3 of AgentKit's guided tour (the autonomous coding agent): a supervisor — a routing agent with a
 * `select_agent` tool, forced by `tool_choice`, and an `onRoute` that reads the tool's result — sends a
 * planner and an editor to work on a temporary copy of a repository until its tests pass. The planner
 * runs the tests, searches and reads the code and saves a plan; the editor applies it and runs the tests.
 * What the agents learn is kept in `state.data` (tests, plan, edits), shown to every agent in its prompt.
 *
 * @module
 */
import { z } from "zod";
import {
  createAgent,
  createNetwork,
  createRoutingAgent,
  createState,
  createTool,
  type Model,
  type NetworkRun,
} from "../../src/index.js";
import type { Workspace } from "./workspace.js";

/** What the agents know, in `state.data`. */
export type SolverState = {
  tests: "not run" | "failing" | "passing";
  plan?: { file: string; line: number; change: string };
  /** Files written, in order. */
  edits: string[];
  /** Files written since the last plan was saved. */
  editsSincePlan: number;
};

/** What the supervisor may choose: an agent, or `finished`. */
export const CHOICES = ["Planner", "Editor", "finished"] as const;

/** The status lines every prompt ends with. */
export function statusText(network: NetworkRun<SolverState> | undefined): string {
  const data = network?.state.data;
  if (!data) return "";
  const plan = data.plan ? `${data.plan.file}:${data.plan.line} — ${data.plan.change}` : "none";
  return [
    "Status of the task:",
    `- tests: ${data.tests}`,
    `- plan: ${plan}`,
    `- edits since the plan: ${data.editsSincePlan}`,
    `- agent calls so far: ${network.state.results.length}`,
  ].join("\n");
}

/** The network on `model` working in `workspace`. */
export function createSolverNetwork(model: Model, workspace: Workspace) {
  const data = (network: NetworkRun) => network.state.data as SolverState;
  const runTests = createTool({
    name: "run_tests",
    description: "Run the repository's tests (node --test).",
    handler: async (_input, { network }) => {
      const run = await workspace.runTests();
      data(network).tests = run.passed ? "passing" : "failing";
      return run;
    },
  });
  const searchCode = createTool({
    name: "search_code",
    description: "Search the repository's files for a regular expression; returns matching lines.",
    parameters: z.object({ pattern: z.string().describe("A JavaScript regular expression") }),
    handler: ({ pattern }) => workspace.search(pattern),
  });
  const readFile = createTool({
    name: "read_file",
    description: "Read a file of the repository.",
    parameters: z.object({ path: z.string().describe("Relative to the repository root") }),
    handler: async ({ path }) => ({ path, content: await workspace.read(path) }),
  });
  const writeFile = createTool({
    name: "write_file",
    description: "Replace the whole content of a file of the repository.",
    parameters: z.object({ path: z.string(), content: z.string() }),
    handler: async ({ path, content }, { network }) => {
      await workspace.write(path, content);
      data(network).edits.push(path);
      data(network).editsSincePlan++;
      return `wrote ${path}`;
    },
  });
  const savePlan = createTool({
    name: "save_plan",
    description: "Save the plan of the fix: the file, the line and the change to make.",
    parameters: z.object({ file: z.string(), line: z.number().int().min(1), change: z.string() }),
    handler: (plan, { network }) => {
      data(network).plan = plan;
      data(network).editsSincePlan = 0;
      return "plan saved";
    },
  });
  const planner = createAgent<SolverState>({
    name: "Planner",
    description: "Finds why the tests fail and saves a plan of the fix.",
    system: ({ network }) =>
      "You find the cause of the failing tests of a JavaScript repository. Run the tests, search and read " +
      `the code, then save a plan with save_plan: the file, the line and the change.\n\n${statusText(network)}`,
    tools: [runTests, searchCode, readFile, savePlan],
  });
  const editor = createAgent<SolverState>({
    name: "Editor",
    description: "Applies the plan to the code and runs the tests.",
    system: ({ network }) =>
      "You apply the plan: read the file, write the corrected file with write_file, then run the tests.\n\n" +
      statusText(network),
    tools: [readFile, writeFile, runTests],
  });
  const supervisor = createRoutingAgent<SolverState>({
    name: "Supervisor",
    description: "Chooses who works next.",
    system: ({ network }) =>
      "You supervise the fix of a repository's failing tests. Call select_agent with Planner (finds the " +
      "cause, saves a plan), Editor (applies the plan, runs the tests), or finished when the tests pass or " +
      `no progress is possible.\n\n${statusText(network)}`,
    tools: [
      createTool({
        name: "select_agent",
        description: "Select who works next, or finished.",
        parameters: z.object({ name: z.enum(CHOICES), reason: z.string().optional() }),
        handler: ({ name }) => name,
      }),
    ],
    tool_choice: "select_agent",
    lifecycle: {
      onRoute: ({ result }) => {
        const content = result.toolCalls[0]?.content as { data?: unknown } | undefined;
        const name = content?.data;
        return typeof name === "string" && name !== "finished" ? [name] : undefined;
      },
    },
  });
  return createNetwork<SolverState>({
    name: "Bug Solver",
    agents: [planner, editor],
    defaultModel: model,
    router: supervisor,
    maxIter: 10,
  });
}

/** Works on `workspace` until the supervisor finishes; resolves with the final state data and agent calls. */
export async function solve(workspace: Workspace, model: Model, task = "Make the failing tests pass.") {
  const state = createState<SolverState>({ tests: "not run", edits: [], editsSincePlan: 0 });
  const run = await createSolverNetwork(model, workspace).run(task, { state });
  return { data: run.state.data, calls: run.state.results.map((result) => result.agentName) };
}
