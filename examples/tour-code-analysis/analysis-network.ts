/**
 * Level 2 of AgentKit's guided tour (the agentic code assistant): a planner agent chooses which reviewers
 * look at a file, and a code router walks that plan, kept in `state.data`, then hands over to a summarizer.
 * Every agent acts through tools that write to `state.data` (`generate_plan`, `save_suggestions`,
 * `save_summary`); the router reads only `state.data`.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import {
  type Agent,
  createAgent,
  createNetwork,
  createState,
  createTool,
  type Model,
} from "../../src/index.js";

/** The network's state: the file under review, the plan, what the reviewers found, the summary. */
export type AnalysisState = {
  file: string;
  code: string;
  /** Reviewers still to run, in order (the router takes from the front). */
  plan?: string[];
  suggestions: Array<{ agent: string; text: string }>;
  summary?: string;
};

/** The reviewers the planner may choose. */
export const REVIEWERS = ["Documentation Reviewer", "Code Reviewer"] as const;

const codeBlock = (data: AnalysisState) => `File: ${data.file}\n\n\`\`\`ts\n${data.code}\n\`\`\``;

const generatePlan = createTool({
  name: "generate_plan",
  description: "Choose which reviewers look at the file, in order.",
  parameters: z.object({ agents: z.array(z.enum(REVIEWERS)).min(1) }),
  handler: ({ agents }, { network }) => {
    (network.state.data as AnalysisState).plan = [...agents];
    return `plan: ${agents.join(", ")}`;
  },
});

const saveSuggestions = createTool({
  name: "save_suggestions",
  description: "Save your review suggestions for the file (one concrete suggestion per entry).",
  parameters: z.object({ suggestions: z.array(z.string()) }),
  handler: ({ suggestions }, { agent, network }) => {
    const data = network.state.data as AnalysisState;
    for (const text of suggestions) data.suggestions.push({ agent: agent.name, text });
    return `saved ${suggestions.length} suggestion(s)`;
  },
});

const saveSummary = createTool({
  name: "save_summary",
  description: "Save the final summary of the review.",
  parameters: z.object({ summary: z.string() }),
  handler: ({ summary }, { network }) => {
    (network.state.data as AnalysisState).summary = summary;
    return "saved";
  },
});

/** The analysis network on `model`: planner, two reviewers, summarizer, and the code router over `state.data`. */
export function createAnalysisNetwork(model: Model) {
  const planner = createAgent<AnalysisState>({
    name: "Planner",
    description: "Plans which reviewers look at the file.",
    system: ({ network }) =>
      `You plan a code review. Reviewers: ${REVIEWERS.join(", ")}. Call generate_plan with the ones this file needs.\n\n` +
      codeBlock(network!.state.data),
    tools: [generatePlan],
    tool_choice: "generate_plan",
  });
  const documentation = createAgent<AnalysisState>({
    name: "Documentation Reviewer",
    description: "Reviews the documentation of the file's exports.",
    system: ({ network }) =>
      "You review documentation: which exports lack a doc comment or explain too little. Call save_suggestions.\n\n" +
      codeBlock(network!.state.data),
    tools: [saveSuggestions],
    tool_choice: "save_suggestions",
  });
  const review = createAgent<AnalysisState>({
    name: "Code Reviewer",
    description: "Reviews the code for bugs, typing and maintainability.",
    system: ({ network }) =>
      "You do a code review: typing holes, leftover debugging, open TODOs, functions that are too long, bugs. Call save_suggestions.\n\n" +
      codeBlock(network!.state.data),
    tools: [saveSuggestions],
    tool_choice: "save_suggestions",
  });
  const summarizer = createAgent<AnalysisState>({
    name: "Summarizer",
    description: "Summarizes the reviewers' suggestions.",
    system: ({ network }) => {
      const data = network!.state.data;
      const list = data.suggestions.map((s) => `- [${s.agent}] ${s.text}`).join("\n");
      return `Summarize this review of ${data.file} for its author in a short paragraph, then call save_summary.\nSuggestions:\n${list}`;
    },
    tools: [saveSummary],
    tool_choice: "save_summary",
  });
  const reviewers = new Map<string, Agent<AnalysisState>>([
    [documentation.name, documentation],
    [review.name, review],
  ]);
  return createNetwork<AnalysisState>({
    name: "Code Analysis",
    agents: [planner, documentation, review, summarizer],
    defaultModel: model,
    maxIter: 10,
    router: ({ network }) => {
      const data = network.state.data;
      if (data.plan === undefined) return planner;
      const next = data.plan.shift();
      if (next !== undefined) return reviewers.get(next);
      return data.summary === undefined ? summarizer : undefined;
    },
  });
}

/** Reviews `path`: resolves with the final state data (plan consumed, suggestions, summary). */
export async function analyzeFile(path: string, file: string, model: Model): Promise<AnalysisState> {
  const code = await readFile(path, "utf8");
  const state = createState<AnalysisState>({ file, code, suggestions: [] });
  const run = await createAnalysisNetwork(model).run(`Review ${file}`, { state });
  return run.state.data;
}
