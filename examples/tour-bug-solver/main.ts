/**
 * `npx tsx examples/tour-bug-solver/main.ts [repo]`: a supervisor routes a planner and an editor that fix
 * the failing tests of a repository (default: `sample-repo/`, a cart module with an off-by-one bug) in a
 * temporary copy, then prints what each agent did and the diff. The original is never modified; add
 * `--keep` to keep the copy. Offline (no key set) fixed rules that know one bug pattern play the agents,
 * not an LLM; set a provider key for a real model.
 */
import { join, resolve } from "node:path";
import { describeModel, selectModel } from "../shared/select-model.js";
import { offlineSolver } from "./offline-solver.js";
import { solve } from "./solver-network.js";
import { Workspace } from "./workspace.js";

const args = process.argv.slice(2);
const keep = args.includes("--keep");
const source = resolve(args.find((arg) => !arg.startsWith("--")) ?? join(import.meta.dirname, "sample-repo"));
const selected = selectModel(offlineSolver);
console.log(describeModel(selected));
const workspace = await Workspace.copy(source);
console.log(`working on a copy of ${source} in ${workspace.root}\n`);
try {
  const before = new Map<string, string>();
  for (const file of await workspace.files()) before.set(file, await workspace.read(file));
  const { data, calls } = await solve(workspace, selected.model);
  console.log(`agent calls: ${calls.join(" → ") || "(none)"}`);
  console.log(`plan: ${data.plan ? `${data.plan.file}:${data.plan.line} — ${data.plan.change}` : "none"}`);
  for (const file of new Set(data.edits)) {
    const old = (before.get(file) ?? "").split("\n");
    const now = (await workspace.read(file)).split("\n");
    console.log(`\n--- ${file}`);
    now.forEach((line, index) => {
      if (line !== old[index]) console.log(`${index + 1}: - ${old[index] ?? ""}\n${index + 1}: + ${line}`);
    });
  }
  console.log(`\ntests: ${data.tests}`);
  process.exitCode = data.tests === "passing" ? 0 : 1;
} finally {
  if (!keep) await workspace.dispose();
}
