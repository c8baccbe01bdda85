import { afterEach, describe, expect, it } from "vitest";
import { createAgent } from "../../src/agents/index.js";
import { slugify } from "../../src/server/agent-functions.js";
import { scriptedModel } from "../../src/testing/scripted-model.js";
import { supportDesk } from "./helpers/support-desk.js";
import { type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer;
afterEach(() => t?.server.close());

describe("agents and networks as functions", () => {
  it("slugs names as AgentKit does", () => {
    expect(slugify("Deep Research Agent")).toBe("deep-research-agent");
    expect(slugify("  My  Network!! v2 ")).toBe("my-network-v2");
  });

  it("serves an agent as agent-<slug>, triggered by <appId>/agent-<slug> with data.input", async () => {
    const model = scriptedModel(["Bonjour!"]);
    const agent = createAgent({ name: "French Greeter", system: "Greet in French.", model });
    t = testServer(() => [], { agents: [agent], networks: [supportDesk()] });
    const fn = t.fairway.functions().find((f) => f.id === "agent-french-greeter");
    expect(fn?.triggers).toEqual([
      expect.objectContaining({ kind: "event", event: "test-app/agent-french-greeter" }),
    ]);
    expect(t.fairway.functions().map((f) => f.id)).toContain("network-support-desk");
    const runId = await t.start("test-app/agent-french-greeter", { input: "Say hello" });
    const output = (await t.fairway.waitForRun(runId)) as {
      agentName: string;
      output: Array<{ content: string }>;
    };
    expect(output.agentName).toBe("French Greeter");
    expect(output.output[0]!.content).toBe("Bonjour!");
    expect(model.requests[0]!.messages.at(-1)).toMatchObject({
      type: "text",
      role: "user",
      content: "Say hello",
    });
  });

  it("refuses two agents with the same slug, naming the function id", () => {
    const model = scriptedModel(["x"]);
    const agents = [
      createAgent({ name: "A b", system: "", model }),
      createAgent({ name: "a-B", system: "", model }),
    ];
    expect(() => testServer(() => [], { agents })).toThrow(/agent-a-b/);
  });
});
