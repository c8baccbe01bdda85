/**
 * The offline model of the bug solver: NOT an LLM. It plays the three agents with fixed rules and can fix
 * exactly one kind of bug, an off-by-one loop bound (`i <= xs.length`):
 * - the supervisor: tests passing → `finished`; no plan → Planner; a plan not applied yet → Editor;
 *   otherwise (or after 6 agent calls) → `finished`;
 * - the planner: runs the tests and searches for `<= … .length`; then saves a plan for the first hit
 *   (or says it found no known bug pattern);
 * - the editor: reads the planned file, then writes it with that line's `<=` made `<`, and runs the tests.
 * Text answers start with `OFFLINE_LABEL`.
 *
 * @module
 */
import type { Message, Model, ModelRequest } from "../../src/index.js";
import {
  latestToolData,
  OFFLINE_LABEL,
  type PolicyAction,
  policyModel,
  systemText,
} from "../shared/policy-model.js";
import type { SearchHit, TestRun } from "./workspace.js";

/** The bug pattern the offline planner knows: a loop bound `<=` an array's length. */
export const OFF_BY_ONE = String.raw`<=\s*[\w.]+\.length`;

/** The offline solver model (`"off-by-one-rules (offline, not an LLM)"`). */
export function offlineSolver(): Model {
  return policyModel({ name: "off-by-one-rules", decide });
}

function decide(request: ModelRequest): PolicyAction {
  const offered = new Set((request.tools ?? []).map((tool) => tool.name));
  const system = systemText(request.messages);
  const status = (name: string) => new RegExp(`^- ${name}: (.*)$`, "m").exec(system)?.[1] ?? "";
  if (offered.has("select_agent")) {
    const calls = Number(status("agent calls so far"));
    const name =
      status("tests") === "passing" || calls >= 6
        ? "finished"
        : status("plan") === "none"
          ? "Planner"
          : status("edits since the plan") === "0"
            ? "Editor"
            : "finished";
    return { toolCalls: [{ name: "select_agent", input: { name } }] };
  }
  if (offered.has("save_plan")) return plan(request.messages);
  if (offered.has("write_file")) return edit(request.messages, status("plan"));
  return { text: `${OFFLINE_LABEL} I only know the supervisor, planner and editor steps of this example.` };
}

function plan(messages: readonly Message[]): PolicyAction {
  const tests = latestToolData(messages, "run_tests") as TestRun | undefined;
  const hits = latestToolData(messages, "search_code") as SearchHit[] | undefined;
  if (!tests || !hits) {
    return {
      toolCalls: [
        { name: "run_tests", input: {} },
        { name: "search_code", input: { pattern: OFF_BY_ONE } },
      ],
    };
  }
  if (tests.passed) return { text: `${OFFLINE_LABEL} The tests pass: there is nothing to plan.` };
  const hit = hits[0];
  if (!hit) return { text: `${OFFLINE_LABEL} The tests fail, but I found no off-by-one loop bound to fix.` };
  const change = "off-by-one loop bound: replace `<=` with `<` before `.length`";
  return { toolCalls: [{ name: "save_plan", input: { file: hit.path, line: hit.line, change } }] };
}

function edit(messages: readonly Message[], planLine: string): PolicyAction {
  const target = /^(.+):(\d+) — /.exec(planLine);
  if (!target?.[1]) return { text: `${OFFLINE_LABEL} There is no plan to apply.` };
  const [, file, line] = target;
  const read = latestToolData(messages, "read_file") as { path: string; content: string } | undefined;
  if (read?.path !== file) return { toolCalls: [{ name: "read_file", input: { path: file } }] };
  const lines = read.content.split("\n");
  const index = Number(line) - 1;
  lines[index] = (lines[index] ?? "").replace(/<=(\s*[\w.]+\.length)/, "<$1");
  return {
    toolCalls: [
      { name: "write_file", input: { path: file, content: lines.join("\n") } },
      { name: "run_tests", input: {} },
    ],
  };
}
