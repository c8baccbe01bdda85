/**
 * `npx tsx examples/tour-code-analysis/main.ts [file]`: a planner, two reviewers and a summarizer review a
 * TypeScript file (default: the sample `sample/inventory.ts`), routed by code over `state.data`. Offline
 * (no key set) fixed review rules play the agents, not an LLM; set a provider key for a real model.
 */
import { join, relative, resolve } from "node:path";
import { describeModel, selectModel } from "../shared/select-model.js";
import { analyzeFile } from "./analysis-network.js";
import { offlineAnalyst } from "./offline-analyst.js";

const path = resolve(process.argv[2] ?? join(import.meta.dirname, "sample", "inventory.ts"));
const selected = selectModel(offlineAnalyst);
console.log(describeModel(selected));
const data = await analyzeFile(path, relative(process.cwd(), path), selected.model);
console.log(`\nsuggestions for ${data.file}:`);
for (const suggestion of data.suggestions) console.log(`  [${suggestion.agent}] ${suggestion.text}`);
console.log(`\nsummary:\n${data.summary ?? "(none)"}`);
