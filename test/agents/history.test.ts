import { describe, expect, it } from "vitest";
import { AgentResult, createAgent, createNetwork, type HistoryConfig } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";
import { onlyRun, testFairway } from "./helpers/engine.js";

/** An in-memory history config that logs each hook call. */
function recordingHistory(stored: AgentResult[] = []) {
  const log: string[] = [];
  const saved: AgentResult[][] = [];
  const config: HistoryConfig = {
    createThread: ({ threadId }) => {
      log.push(`createThread(${threadId ?? ""})`);
      return { threadId: threadId ?? "new-thread" };
    },
    appendUserMessage: ({ userMessage }) => {
      log.push(`appendUserMessage(${userMessage.content})`);
    },
    get: ({ threadId }) => {
      log.push(`get(${threadId})`);
      return stored;
    },
    appendResults: ({ newResults }) => {
      log.push(`appendResults(${newResults.map((r) => r.agentName).join(",")})`);
      saved.push(newResults);
    },
  };
  return { config, log, saved };
}

const earlier = new AgentResult(
  "A",
  [{ type: "text", role: "assistant", content: "earlier answer" }],
  [],
  new Date(0),
  [],
  [],
  "",
  "r0",
);
const earlierUser = new AgentResult(
  "user",
  [{ type: "text", role: "user", content: "earlier question" }],
  [],
  new Date(0),
  [],
  [],
  "",
  "u0",
);

function oneShot(name: string, model = scriptedModel(["answer"])) {
  const agent = createAgent({ name, system: "sys", model });
  return { agent, model, router: ({ callCount }: { callCount: number }) => (callCount ? undefined : agent) };
}

describe("history hooks", () => {
  it("network, new thread: createThread → appendUserMessage → agents → appendResults", async () => {
    const { config, log, saved } = recordingHistory();
    const { agent, router } = oneShot("A");
    const run = await createNetwork({ name: "n", agents: [agent], router, history: config }).run("hello");
    expect(log).toEqual(["createThread()", "appendUserMessage(hello)", "appendResults(A)"]);
    expect(run.state.threadId).toBe("new-thread");
    expect(saved[0]).toHaveLength(1);
  });

  it("network, client thread: get is called after appendUserMessage, and history goes before the user message", async () => {
    const { config, log, saved } = recordingHistory([earlierUser, earlier]);
    const { agent, router, model } = oneShot("A");
    const run = await createNetwork({ name: "n", agents: [agent], router, history: config }).run("now", {
      threadId: "t1",
    });
    expect(log).toEqual(["createThread(t1)", "appendUserMessage(now)", "get(t1)", "appendResults(A)"]);
    expect(
      model.requests[0]!.messages.map((m) => (m.type === "text" ? `${m.role}:${m.content}` : m.type)),
    ).toEqual(["system:sys", "user:earlier question", "assistant:earlier answer", "user:now"]);
    expect(run.state.threadId).toBe("t1");
    expect(saved[0]!.map((r) => r.agentName)).toEqual(["A"]); // only the new results
  });

  it("client-supplied history (state with results) skips get", async () => {
    const { config, log } = recordingHistory([earlier]);
    const { agent, router } = oneShot("A");
    const { createState } = await import("../../src/index.js");
    await createNetwork({ name: "n", agents: [agent], router, history: config }).run("x", {
      threadId: "t1",
      state: createState({}, { results: [earlier] }),
    });
    expect(log).not.toContain("get(t1)");
  });

  it("without createThread but with get, a thread id is generated", async () => {
    const { config } = recordingHistory();
    const { agent, router } = oneShot("A");
    const run = await createNetwork({
      name: "n",
      agents: [agent],
      router,
      history: { get: config.get! },
    }).run("x");
    expect(run.state.threadId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("errors thrown by hooks fail the run", async () => {
    const { agent, router } = oneShot("A");
    const history: HistoryConfig = {
      appendUserMessage: () => {
        throw new Error("db down");
      },
    };
    await expect(createNetwork({ name: "n", agents: [agent], router, history }).run("x")).rejects.toThrow(
      "db down",
    );
  });

  it("standalone agent saves its own result (AgentKit saved [])", async () => {
    const { config, log, saved } = recordingHistory();
    const agent = createAgent({ name: "solo", system: "s", model: scriptedModel(["hi"]), history: config });
    const result = await agent.run("hello");
    expect(log).toEqual(["createThread()", "appendUserMessage(hello)", "appendResults(solo)"]);
    expect(saved[0]).toEqual([result]);
  });

  it("a stored copy of the current user message is not sent twice", async () => {
    const { agent, router, model } = oneShot("A");
    const current = new AgentResult(
      "user",
      [{ type: "text", role: "user", content: "now" }],
      [],
      new Date(0),
      [],
      [],
      "",
      "m-now",
    );
    const { config } = recordingHistory([earlier, current]);
    await createNetwork({ name: "n", agents: [agent], router, history: config }).run(
      { id: "m-now", role: "user", content: "now" },
      { threadId: "t" },
    );
    const texts = model.requests[0]!.messages.map((m) => (m.type === "text" ? m.content : ""));
    expect(texts.filter((t) => t === "now")).toHaveLength(1);
  });
});

describe("generated thread ids in a durable run", () => {
  it("are standard UUIDs, made once: a retried run keeps the same id", async () => {
    const { fairway } = testFairway();
    const { config } = recordingHistory();
    const { agent, router } = oneShot("A");
    const network = createNetwork({ name: "n", agents: [agent], router, history: { get: config.get! } });
    let attempts = 0;
    const seen: (string | undefined)[] = [];
    fairway.createFunction({ id: "chat" }, { event: "chat/start" }, async ({ step }) => {
      const run = await network.run("x");
      seen.push(run.state.threadId);
      await step.run("flaky", () => {
        attempts++;
        if (attempts === 1) throw new Error("first attempt fails");
      });
      return run.state.threadId;
    });
    await fairway.send({ name: "chat/start" });
    const threadId = await fairway.waitForRun(await onlyRun(fairway, "chat"));
    expect(threadId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set([threadId]));
    await fairway.close();
  });
});
