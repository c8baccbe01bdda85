/**
 * `npx tsx examples/mcp/main.ts ["question"]`: an agent whose tools come from a local MCP server over
 * stdio (`units-server.ts`, started as a child process). Offline (no key set) a rule that reads
 * "<number> <unit> to <unit>" calls the tool, not an LLM; set a provider key for a real model.
 */

import { answerText } from "../shared/answer-text.js";
import { describeModel, selectModel } from "../shared/select-model.js";
import { offlineUnits } from "./offline-units.js";
import { createUnitsAgent } from "./units-agent.js";

const questions =
  process.argv.length > 2
    ? process.argv.slice(2)
    : ["Convert 10 km to mi", "What is 98.6 f in c?", "Convert 3 kg to mi"];
const selected = selectModel(offlineUnits);
console.log(describeModel(selected));
const agent = createUnitsAgent(selected.model);
try {
  await agent.initMcp();
  console.log(`MCP tools: ${[...agent.tools.keys()].join(", ")}\n`);
  for (const question of questions) {
    const result = await agent.run(question, { maxIter: 3 });
    console.log(`Q: ${question}\nA: ${answerText(result)}\n`);
  }
} finally {
  await agent.closeMcp();
}
