/**
 * Level 1 of AgentKit's guided tour ("code assistant", RAG): one agent, and the file to explain loaded
 * outside it and given in the prompt.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { createAgent, type Model } from "../../src/index.js";
import { answerText } from "../shared/answer-text.js";

/** The explaining agent. */
export function createCodeExplainer(model: Model) {
  return createAgent({
    name: "Code Assistant",
    system:
      "You are an expert TypeScript engineer. Explain the file the user gives you: what it is for, its " +
      "main exports and how they fit together. Be concise and concrete; do not invent what is not in the code.",
    model,
  });
}

/** Reads `path` and asks the agent to explain it; resolves with the explanation. */
export async function explainFile(path: string, model: Model): Promise<string> {
  const code = await readFile(path, "utf8");
  const name = relative(process.cwd(), path) || path;
  const result = await createCodeExplainer(model).run(
    `Explain the file ${name}:\n\n\`\`\`ts\n${code}\n\`\`\``,
  );
  return answerText(result);
}
