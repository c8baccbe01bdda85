import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { postgresHistory, sqliteHistory, type ThreadStore } from "../../src/agents/history/index.js";
import { createAgent, createNetwork, createTool } from "../../src/index.js";
import { scriptedModel } from "../../src/testing/index.js";

const pool = new pg.Pool({ host: "127.0.0.1", port: 5432, user: "postgres", database: "test", max: 4 });
const schemas: string[] = [];
let counter = 0;

const stores: Array<[string, () => ThreadStore]> = [
  ["sqlite", () => sqliteHistory({ path: ":memory:" })],
  [
    "postgres",
    () => {
      const schema = `fw_threads_${process.pid}_${Date.now()}_${counter++}`;
      schemas.push(schema);
      return postgresHistory({ pool, schema });
    },
  ],
];

afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
});

describe.each(stores)("%s thread store", (_name, makeStore) => {
  let store: ThreadStore;
  afterEach(async () => store.close());

  const lookup = createTool({
    name: "lookup",
    parameters: z.object({ q: z.string() }),
    handler: ({ q }) => `found ${q}`,
  });

  it("persists a conversation: the second turn sees the first before the new user message", async () => {
    store = makeStore();
    const model = scriptedModel(["Paris.", "About 2.1 million."]);
    const agent = createAgent({ name: "geo", system: "sys", model });
    const network = createNetwork({
      name: "chat",
      agents: [agent],
      history: store,
      router: ({ callCount }) => (callCount ? undefined : agent),
    });
    const first = await network.run("Capital of France?", { userId: "u1" });
    const threadId = first.state.threadId!;
    await network.run("Population?", { userId: "u1", threadId });
    expect(
      model.requests[1]!.messages.map((m) => (m.type === "text" ? `${m.role}:${m.content}` : m.type)),
    ).toEqual(["system:sys", "user:Capital of France?", "assistant:Paris.", "user:Population?"]);
    const stored = await store.getThread("u1", threadId);
    expect(stored.map((r) => r.agentName)).toEqual(["user", "geo", "user", "geo"]);
    expect((await store.listThreads("u1")).map((t) => t.threadId)).toEqual([threadId]);
  });

  it("is idempotent: a 3-round tool loop stores each message once, and replayed writes change nothing (R19)", async () => {
    store = makeStore();
    const model = scriptedModel([
      { toolCalls: [{ name: "lookup", input: { q: "a" } }] },
      { toolCalls: [{ name: "lookup", input: { q: "b" } }] },
      "done",
    ]);
    const agent = createAgent({ name: "solo", system: "s", model, tools: [lookup], history: store });
    const { createState } = await import("../../src/index.js");
    const state = createState({ userId: "u2" }, { threadId: "t-loop" });
    const result = await agent.run({ id: "user-1", role: "user", content: "find" }, { state, maxIter: 3 });
    const stored = await store.getThread("u2", "t-loop");
    expect(stored).toHaveLength(2); // the user message and the agent's result
    expect(stored[1]!.output).toEqual(result.output);
    expect(stored[1]!.toolCalls).toEqual(result.toolCalls);
    expect(stored[1]!.checksum).toBe(result.checksum);

    // A replay writes the same messages again: nothing changes.
    const context = { state, network: undefined as never, input: "find", threadId: "t-loop", userId: "u2" };
    await store.appendUserMessage({
      ...context,
      userMessage: { id: "user-1", content: "find", role: "user", timestamp: new Date() },
    });
    await store.appendResults({ ...context, newResults: [result] });
    expect(await store.getThread("u2", "t-loop")).toHaveLength(2);
  });

  it("keeps tenants apart: the same thread id under another user is another thread", async () => {
    store = makeStore();
    const base = { state: undefined as never, network: undefined as never, input: "x", threadId: "shared" };
    await store.createThread({ ...base, userId: "alice" });
    await store.appendUserMessage({
      ...base,
      userId: "alice",
      userMessage: { id: "m1", content: "secret", role: "user", timestamp: new Date(0) },
    });
    expect(await store.getThread("bob", "shared")).toEqual([]);
    expect(await store.get({ ...base, userId: "bob" })).toEqual([]);
    expect(await store.getThread("alice", "shared")).toHaveLength(1);
    await store.deleteThread("alice", "shared");
    expect(await store.getThread("alice", "shared")).toEqual([]);
  });
});
