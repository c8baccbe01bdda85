import { randomUUID } from "node:crypto";
import { AgentResult, type AgentResultLike } from "../agent-result.js";
import type { HistoryConfig, HistoryContext } from "./history-config.js";

/**
 * One stored message of a thread. `kind` is `"user"` for the user's turns and `"result"` for agent
 * results; `messageId` is unique within the thread, which makes every write idempotent.
 */
export interface ThreadRecord {
  messageId: string;
  kind: "user" | "result";
  agentName: string;
  /** JSON of the AgentResult (or of the user message as an AgentResult of agent `"user"`). */
  data: string;
  checksum: string;
  createdAt: number;
}

/** A thread's summary, as listed per user. */
export interface ThreadSummary {
  threadId: string;
  userId: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * The storage operations behind the built-in history (one implementation per database). Every thread
 * belongs to a user (the tenant; `""` when the run has none) and is addressed by `(userId, threadId)`.
 */
export interface ThreadStorage {
  upsertThread(userId: string, threadId: string, now: number): Promise<void>;
  /** Inserts records whose `messageId` is not yet in the thread; existing ones are left as they are. */
  append(userId: string, threadId: string, records: ThreadRecord[], now: number): Promise<void>;
  /** The thread's records in insertion order. */
  read(userId: string, threadId: string): Promise<ThreadRecord[]>;
  listThreads(userId: string, limit: number): Promise<ThreadSummary[]>;
  deleteThread(userId: string, threadId: string): Promise<void>;
  close(): Promise<void>;
}

/** A built-in thread store: the four history hooks plus thread management. */
export interface ThreadStore extends Required<HistoryConfig> {
  /** Threads of `userId`, most recently updated first. Default limit 50. */
  listThreads(userId: string, options?: { limit?: number }): Promise<ThreadSummary[]>;
  /** The thread's messages as AgentResults (user turns have agent name `"user"`). */
  getThread(userId: string, threadId: string): Promise<AgentResult[]>;
  deleteThread(userId: string, threadId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the history hooks over a storage. Writes are idempotent by message id — the user message by its
 * `UserMessage.id`, results by `AgentResult.id` (its checksum when it has none) — so a replayed run or a
 * retried hook never stores a message twice (pitfall R19). `get` returns user turns as AgentResults of
 * agent `"user"`, so the loaded history is the whole conversation.
 */
export function threadStore(storage: ThreadStorage, now: () => number = Date.now): ThreadStore {
  const userOf = (context: HistoryContext) => context.userId ?? "";
  const threadOf = (context: HistoryContext) => {
    const threadId = context.threadId ?? context.state.threadId;
    if (threadId === undefined) throw new Error("history: no thread id (createThread runs first)");
    return threadId;
  };
  const getThread = async (userId: string, threadId: string) =>
    (await storage.read(userId, threadId)).map((record) =>
      AgentResult.from(JSON.parse(record.data) as AgentResultLike),
    );
  return {
    async createThread(context) {
      const threadId = context.threadId ?? randomUUID();
      await storage.upsertThread(userOf(context), threadId, now());
      return { threadId };
    },
    get: (context) => getThread(userOf(context), threadOf(context)),
    async appendUserMessage(context) {
      const { userMessage } = context;
      const result = new AgentResult(
        "user",
        [{ type: "text", role: "user", content: userMessage.content }],
        [],
        userMessage.timestamp,
        [],
        [],
        "",
        userMessage.id,
      );
      await storage.append(userOf(context), threadOf(context), [toRecord(result, "user")], now());
    },
    async appendResults(context) {
      if (context.newResults.length === 0) return;
      await storage.append(
        userOf(context),
        threadOf(context),
        context.newResults.map((result) => toRecord(result, "result")),
        now(),
      );
    },
    listThreads: (userId, options) => storage.listThreads(userId, options?.limit ?? 50),
    getThread,
    deleteThread: (userId, threadId) => storage.deleteThread(userId, threadId),
    close: () => storage.close(),
  };
}

/**
 * A result as stored: its JSON form without `prompt` and `history` (the messages it was sent, which are
 * earlier messages of the thread: storing them again would make a thread grow with the square of its
 * length, R19).
 */
function toRecord(result: AgentResult, kind: ThreadRecord["kind"]): ThreadRecord {
  const { prompt: _prompt, history: _history, ...kept } = result.toJSON();
  const stored = { ...kept, createdAt: result.createdAt.toISOString(), id: result.id ?? result.checksum };
  return {
    messageId: stored.id,
    kind,
    agentName: result.agentName,
    data: JSON.stringify(stored),
    checksum: result.checksum,
    createdAt: result.createdAt.getTime(),
  };
}
