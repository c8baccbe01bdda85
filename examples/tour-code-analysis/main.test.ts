import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openai } from "../../src/index.js";
import { startFakeOpenAi } from "../../test/helpers/fake-provider/index.js";
import { closeServersAfterEach } from "../../test/models/fixtures.js";
import { OFFLINE_LABEL } from "../shared/policy-model.js";
import { runExample } from "../shared/run-example.js";
import { analyzeFile } from "./analysis-network.js";
import { offlineAnalyst } from "./offline-analyst.js";

const track = closeServersAfterEach();

const sample = join(import.meta.dirname, "sample", "inventory.ts");

describe("guided tour, level 2: multi-agent code analysis with a code router over state.data", () => {
  it("offline: the planner's plan in state.data routes the reviewers, then the summarizer", async () => {
    const data = await analyzeFile(sample, "inventory.ts", offlineAnalyst());
    expect(data.plan).toEqual([]);
    expect(data.suggestions).toEqual([
      { agent: "Documentation Reviewer", text: "Add a doc comment to interface StockItem." },
      { agent: "Documentation Reviewer", text: "Add a doc comment to function parseImport." },
      { agent: "Documentation Reviewer", text: "Add a doc comment to const DEFAULT_THRESHOLD." },
      { agent: "Code Reviewer", text: "Line 21: open TODO: reservations should expire." },
      { agent: "Code Reviewer", text: "Line 29: explicit `any`: give it a type." },
      { agent: "Code Reviewer", text: "Line 30: console.log call: use the app's logger." },
    ]);
    expect(data.summary?.startsWith(`${OFFLINE_LABEL} 6 suggestion(s)`)).toBe(true);
  });

  it("with a provider: each agent is offered its tool (forced), and the router follows the model's plan", async () => {
    const server = track(
      await startFakeOpenAi([
        { toolCalls: [{ name: "generate_plan", arguments: { agents: ["Code Reviewer"] } }] },
        { toolCalls: [{ name: "save_suggestions", arguments: { suggestions: ["Type the row."] } }] },
        { toolCalls: [{ name: "save_summary", arguments: { summary: "One fix: type the row." } }] },
      ]),
    );
    const model = openai({ model: "gpt-4o-mini", apiKey: "sk-test", baseUrl: server.baseUrl });
    const data = await analyzeFile(sample, "inventory.ts", model);
    expect(data.suggestions).toEqual([{ agent: "Code Reviewer", text: "Type the row." }]);
    expect(data.summary).toBe("One fix: type the row.");
    const bodies = server.requests.map((request) => request.body);
    expect(bodies.map((body) => body.tool_choice.function.name)).toEqual([
      "generate_plan",
      "save_suggestions",
      "save_summary",
    ]);
    expect(bodies[0].messages[0].content).toContain(
      "File: inventory.ts\n\n```ts\n/** A small in-memory inventory",
    );
    expect(bodies[2].messages[0].content).toContain("- [Code Reviewer] Type the row.");
  });

  it("main.ts runs offline with no key", async () => {
    const out = await runExample(join(import.meta.dirname, "main.ts"));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("offline, not an LLM");
    expect(out.stdout).toContain("[Code Reviewer] Line 29: explicit `any`: give it a type.");
  });
});
