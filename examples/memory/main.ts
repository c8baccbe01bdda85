/**
 * `npx tsx examples/memory/main.ts`: two users tell the assistant about themselves, then ask it what it
 * remembers. Facts are saved asynchronously (the chat run sends an event; the `memory-writer` function
 * stores them) in `.fairway/memory.db`, next to the runs, and recalled per user: alice never sees bob's.
 * Run it again: the memories are still there. `--db <file>` changes the database file.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { describeModel, selectModel } from "../shared/select-model.js";
import { CHAT_EVENT, createMemoryApp } from "./memory-app.js";
import { MemoryStore } from "./memory-store.js";
import { offlineMemory } from "./offline-memory.js";

const { values } = parseArgs({ options: { db: { type: "string", default: ".fairway/memory.db" } } });
mkdirSync(dirname(values.db), { recursive: true });
const selected = selectModel(offlineMemory);
console.log(describeModel(selected));
const memories = new MemoryStore(values.db);
const { fairway, chat, writer } = createMemoryApp({ model: selected.model, store: values.db, memories });

/** Sends one message and waits for its answer and for every memory write it caused. */
async function say(userId: string, message: string): Promise<void> {
  const { ids } = await fairway.send({ name: CHAT_EVENT, data: { userId, message } });
  const { runs } = await fairway.listRuns({ functionId: chat.id });
  const run = runs.find((candidate) => candidate.eventIds.includes(ids[0] ?? ""));
  if (!run) throw new Error("the chat run was not created");
  const { answer } = (await fairway.waitForRun(run.id)) as { answer: string };
  console.log(`${userId}: ${message}\nassistant: ${answer}\n`);
  for (const pending of (await fairway.listRuns({ functionId: writer.id })).runs) {
    await fairway.waitForRun(pending.id);
  }
}

await say("alice", "Remember that my favourite colour is green.");
await say("alice", "I am allergic to peanuts.");
await say("bob", "Remember that my favourite colour is blue.");
await say("alice", "What is my favourite colour?");
await say("bob", "What is my favourite colour?");
await say("bob", "Am I allergic to anything?");
await fairway.close();
memories.close();
