/**
 * The research desk's agent network: a research agent with the corpus tools and a writer agent, under a
 * code router — research while the researcher keeps calling tools (at most {@link MAX_RESEARCH_CALLS}
 * times), then write once, then stop.
 *
 * @module
 */
import {
  type Agent,
  type AgentResult,
  createAgent,
  createNetwork,
  createTool,
  type FnRouter,
  type Model,
  type Network,
} from "../../src/index.js";
import type { CorpusIndex } from "./corpus-index.js";
import { researchToolSpecs } from "./research-tools.js";

/** Research-agent calls allowed per question before the writer takes over. */
export const MAX_RESEARCH_CALLS = 4;

const RESEARCH_SYSTEM = [
  "You research questions about the documentation (README files) of npm packages installed in node_modules.",
  "Use the tools: `search` with a few keywords from the question, then `read_file` on the most relevant hit",
  "(start at the hit's offset). Do not answer from memory. When you have found the passage that answers the",
  "question, reply with a short note that quotes it and names the file's path exactly as the tools show it.",
].join(" ");

const WRITER_SYSTEM = [
  "You write the final answer to the user's question from the research above (tool results and notes).",
  "Be concise and quote the relevant passage. End with one line `Source: <path>` naming the single file",
  "that answers the question, with the path exactly as the tools showed it (relative to node_modules).",
].join(" ");

/** The code router: researcher until it stops calling tools (or hits the limit), then the writer, then done. */
export function researchRouter(researcher: Agent, writer: Agent): FnRouter {
  return ({ network, lastResult }) => {
    const results = network.state.results;
    if (lastResult === undefined) return researcher;
    if (lastResult.agentName === writer.name) return undefined;
    const researchCalls = results.filter((result) => result.agentName === researcher.name).length;
    const stillSearching = lastResult.toolCalls.length > 0 && researchCalls < MAX_RESEARCH_CALLS;
    return stillSearching ? researcher : writer;
  };
}

/** Builds the network over `index`, with `model` as every agent's model. */
export function createResearchNetwork(index: CorpusIndex, model: Model): Network {
  const [listFiles, search, readFile] = researchToolSpecs(index);
  const tools = [createTool(listFiles), createTool(search), createTool(readFile)];
  const researcher = createAgent({
    name: "Research Agent",
    description: "Finds the file and passage that answer a question about installed packages' docs.",
    system: RESEARCH_SYSTEM,
    tools,
  });
  const writer = createAgent({
    name: "Writer Agent",
    description: "Writes the final answer with its source.",
    system: WRITER_SYSTEM,
  });
  return createNetwork({
    name: "Research Desk",
    agents: [researcher, writer],
    defaultModel: model,
    maxIter: MAX_RESEARCH_CALLS + 1,
    router: researchRouter(researcher, writer),
  });
}

/** The final answer of a run: the text of the last result that has any (the writer's, normally). */
export function finalAnswer(results: readonly AgentResult[]): string {
  for (let i = results.length - 1; i >= 0; i--) {
    const text = results[i]?.output
      .flatMap((message) => (message.type === "text" ? [message.content] : []))
      .map((content) => (typeof content === "string" ? content : content.map((part) => part.text).join("")))
      .join("\n");
    if (text) return text;
  }
  return "";
}
