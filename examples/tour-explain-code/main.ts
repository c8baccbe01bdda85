/**
 * `npx tsx examples/tour-explain-code/main.ts [file]`: explains a code file (default: this repository's
 * `src/engine/durations.ts`). Offline (no key set) an outline policy answers, not an LLM; set a provider
 * key (see examples/README.md) for a real model.
 */
import { resolve } from "node:path";
import { describeModel, selectModel } from "../shared/select-model.js";
import { explainFile } from "./explain-file.js";
import { offlineExplainer } from "./offline-explainer.js";

const file = resolve(process.argv[2] ?? "src/engine/durations.ts");
const selected = selectModel(offlineExplainer);
console.log(describeModel(selected));
console.log(`explaining ${file}\n`);
console.log(await explainFile(file, selected.model));
