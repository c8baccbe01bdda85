import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runExample } from "../shared/run-example.js";
import { CHAT_EVENT, createMemoryApp, REMEMBERED_EVENT } from "./memory-app.js";
import { MemoryStore } from "./memory-store.js";
import { offlineMemory } from "./offline-memory.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("long-term memory per user", () => {
  it("remember sends an event; memory-writer stores the facts in its own run; recall is per user", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "fairway-memory-")), "app.db");
    const memories = new MemoryStore(db);
    const app = createMemoryApp({ model: offlineMemory(), store: db, memories, logger: silent });
    const ask = async (userId: string, message: string) => {
      const { ids } = await app.fairway.send({ name: CHAT_EVENT, data: { userId, message } });
      const run = (await app.fairway.listRuns({ functionId: app.chat.id })).runs.find((r) =>
        r.eventIds.includes(ids[0] ?? ""),
      );
      return { run: run!, output: (await app.fairway.waitForRun(run!.id)) as { answer: string } };
    };

    const told = await ask("alice", "Remember that my favourite colour is green.");
    expect(told.output.answer).toContain("Noted");
    // The chat run only sent an event: the write is another function's run.
    const steps = await app.fairway.getRunSteps(told.run.id);
    expect(steps.map((step) => step.id)).toContain("Assistant/turn-0/tool-0-remember/save-memories");
    const writes = (await app.fairway.listRuns({ functionId: app.writer.id })).runs;
    expect(writes).toHaveLength(1);
    expect(writes[0]?.event).toMatchObject({
      name: REMEMBERED_EVENT,
      data: { userId: "alice", facts: ["My favourite colour is green."] },
    });
    expect(await app.fairway.waitForRun(writes[0]!.id)).toEqual({ userId: "alice", added: 1 });

    await ask("bob", "Remember that my favourite colour is blue.");
    for (const run of (await app.fairway.listRuns({ functionId: app.writer.id })).runs) {
      await app.fairway.waitForRun(run.id);
    }
    expect((await ask("alice", "What is my favourite colour?")).output.answer).toBe(
      '[offline, not an LLM] From what you told me: "My favourite colour is green."',
    );
    expect((await ask("bob", "What is my favourite colour?")).output.answer).toContain("blue");
    expect((await ask("carol", "What is my favourite colour?")).output.answer).toContain(
      "I don't remember anything",
    );
    expect(memories.recall("bob", "colour").map((m) => m.fact)).toEqual(["My favourite colour is blue."]);
    await app.fairway.close();
    memories.close();
  });

  it("stores a fact once per user and ranks recall by relevance", () => {
    const memories = new MemoryStore(":memory:");
    expect(memories.add("u", ["Lives in Oslo.", "Likes green tea.", "Lives in Oslo."])).toBe(1 + 1);
    expect(memories.add("v", ["Lives in Oslo."])).toBe(1);
    expect(memories.recall("u", "where does the user live?").map((m) => m.fact)).toEqual(["Lives in Oslo."]);
    expect(memories.recall("u", "?").map((m) => m.fact)).toEqual(["Likes green tea.", "Lives in Oslo."]);
    memories.close();
  });

  it("main.ts runs offline and keeps the memories in the database file, per user", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "fairway-memory-main-")), "memory.db");
    const first = await runExample(join(import.meta.dirname, "main.ts"), { args: ["--db", db] });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      'alice: What is my favourite colour?\nassistant: [offline, not an LLM] From what you told me: "My favourite colour is green."',
    );
    expect(first.stdout).toContain(
      "bob: Am I allergic to anything?\nassistant: [offline, not an LLM] I don't remember",
    );
    const memories = new MemoryStore(db);
    expect(memories.recall("alice", "").map((m) => m.fact)).toEqual([
      "I am allergic to peanuts.",
      "My favourite colour is green.",
    ]);
    memories.close();
  });
});
