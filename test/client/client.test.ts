import { afterEach, describe, expect, it } from "vitest";
import {
  type AgentMessageChunk,
  ApiError,
  applyChunk,
  createClient,
  type ThreadMessage,
} from "../../src/client/index.js";
import { chatServer, SIGNING_KEY } from "./chat-server.js";

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

async function started() {
  const chat = await chatServer();
  closeServer = () => chat.server.close();
  return chat;
}

async function collect(stream: AsyncIterable<{ chunk: AgentMessageChunk }>): Promise<AgentMessageChunk[]> {
  const chunks: AgentMessageChunk[] = [];
  for await (const { chunk } of stream) chunks.push(chunk);
  return chunks;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("fairway-agents/client against a real server", () => {
  it("sends a message on a new thread and streams the answer: text deltas, tool call and result, run status", async () => {
    const { baseUrl, tokenFor } = await started();
    const client = createClient({ baseUrl, token: tokenFor("u1"), reconnectDelayMs: 0 });
    const { threadId, eventId, stream } = await client.sendMessage({
      network: "Support Desk",
      input: "Where is my order?",
    });
    expect(threadId).toMatch(UUID);
    expect(eventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const chunks = await collect(stream);
    const events = chunks.map((chunk) => chunk.event);
    expect(events[0]).toBe("run.started");
    expect(events).toEqual(
      expect.arrayContaining(["text.delta", "tool_call.arguments.delta", "tool_call.output.delta"]),
    );
    expect(events.slice(-2)).toEqual(["run.completed", "stream.ended"]);
    for (const chunk of chunks) expect(chunk.data).toMatchObject({ threadId, userId: "u1" });
    const messages = chunks.reduce<ThreadMessage[]>(applyChunk, []);
    expect(messages.map((message) => [message.role, message.agentName, message.text])).toEqual([
      ["assistant", "Triage", ""],
      ["assistant", "Answer", "Your order o-1 has shipped."],
    ]);
    expect(messages[0]!.toolCalls).toEqual([
      {
        id: expect.any(String),
        name: "lookup_order",
        input: { orderId: "o-1" },
        output: { data: { orderId: "o-1", status: "shipped" } },
      },
    ]);
    expect(stream.lastEventId).toMatch(/^\d+$/);
  });

  it("lists the user's threads and reads a thread's messages; a second message continues the thread", async () => {
    const { baseUrl, tokenFor } = await started();
    const client = createClient({ baseUrl, token: () => tokenFor("u1") });
    const first = await client.sendMessage({ network: "support-desk", input: "Where is my order?" });
    await collect(first.stream);
    const second = await client.sendMessage({
      network: "Support Desk",
      input: "Thanks!",
      threadId: first.threadId,
    });
    await collect(second.stream);
    const threads = await client.listThreads();
    expect(threads).toEqual([
      {
        threadId: first.threadId,
        userId: "u1",
        createdAt: expect.any(Number),
        updatedAt: expect.any(Number),
      },
    ]);
    const messages = await client.getMessages(first.threadId);
    expect(messages.map((message) => [message.role, message.agentName ?? ""])).toEqual([
      ["user", ""],
      ["assistant", "Triage"],
      ["assistant", "Answer"],
      ["user", ""],
      ["assistant", "Triage"],
      ["assistant", "Answer"],
    ]);
    expect(messages.filter((message) => message.role === "user").map((message) => message.text)).toEqual([
      "Where is my order?",
      "Thanks!",
    ]);
    expect(messages[2]!.text).toBe("Your order o-1 has shipped.");
    expect(messages[1]!.toolCalls[0]).toMatchObject({
      name: "lookup_order",
      output: { data: { status: "shipped" } },
    });
  });

  it("isolates tenants: another user's token sees none of the threads, cannot read or write for that user", async () => {
    const { baseUrl, tokenFor } = await started();
    const alice = createClient({ baseUrl, token: tokenFor("alice") });
    const { threadId, stream } = await alice.sendMessage({ network: "Support Desk", input: "Order?" });
    await collect(stream);
    const bob = createClient({ baseUrl, token: tokenFor("bob") });
    expect(await bob.listThreads()).toEqual([]);
    expect(await bob.getMessages(threadId)).toEqual([]);
    const impostor = createClient({ baseUrl, token: tokenFor("bob"), userId: "alice" });
    const error = await impostor.listThreads().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: "forbidden" });
    await expect(impostor.getMessages(threadId)).rejects.toMatchObject({ status: 403 });
    await expect(
      impostor.sendMessage({ network: "Support Desk", input: "hi", threadId }),
    ).rejects.toMatchObject({
      status: 403,
    });
    // Bob's stream of Alice's thread carries nothing of hers: he sends on it himself and sees only his run.
    const mine = await bob.sendMessage({ network: "Support Desk", input: "Mine?", threadId });
    const chunks = await collect(mine.stream);
    expect(new Set(chunks.map((chunk) => chunk.data.userId))).toEqual(new Set(["bob"]));
    expect((await alice.getMessages(threadId)).filter((message) => message.role === "user")).toHaveLength(1);
  });

  it("with the signing key acts for the named user; without one it is refused with the field named", async () => {
    const { baseUrl } = await started();
    const admin = createClient({ baseUrl, token: SIGNING_KEY, userId: "carol" });
    const { stream, threadId } = await admin.sendMessage({ network: "Support Desk", input: "Hi" });
    const chunks = await collect(stream);
    expect(chunks[0]!.data).toMatchObject({ userId: "carol", threadId });
    expect((await admin.listThreads()).map((thread) => thread.threadId)).toEqual([threadId]);
    const nobody = createClient({ baseUrl, token: SIGNING_KEY });
    await expect(nobody.listThreads()).rejects.toMatchObject({
      status: 400,
      issues: [{ path: "userId", message: expect.stringMatching(/required/) }],
    });
    const unknown = createClient({ baseUrl, token: SIGNING_KEY, userId: "carol" });
    await expect(unknown.sendMessage({ network: "No Such Network", input: "Hi" })).rejects.toMatchObject({
      status: 404,
    });
    await expect(createClient({ baseUrl }).listThreads()).rejects.toMatchObject({ status: 401 });
  });

  it("reconnects a dropped stream with Last-Event-ID and misses or repeats no chunk", async () => {
    const { baseUrl, tokenFor } = await started();
    const resumedFrom: (string | null)[] = [];
    let streamsOpened = 0;
    // Cuts the first stream's connection after its third SSE message (a network drop).
    const flakyFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith("/stream")) return response;
      resumedFrom.push(new Headers(init?.headers).get("last-event-id"));
      if (streamsOpened++ > 0) return response;
      return new Response(cutAfterMessages(response.body!, 3), {
        status: response.status,
        headers: response.headers,
      });
    };
    const client = createClient({ baseUrl, token: tokenFor("u1"), fetch: flakyFetch, reconnectDelayMs: 0 });
    const { stream } = await client.sendMessage({ network: "Support Desk", input: "Order?" });
    const chunks = await collect(stream);
    expect(resumedFrom[0]).toBeNull();
    expect(resumedFrom[1]).toMatch(/^\d+$/);
    expect(resumedFrom).toHaveLength(2);
    const ids = chunks.map((chunk) => chunk.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The network run numbers its chunks 0, 1, 2, …: none missing, none twice.
    expect(chunks.map((chunk) => chunk.sequenceNumber)).toEqual(chunks.map((_, index) => index));
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks[0]!.event).toBe("run.started");
    expect(chunks.at(-1)!.event).toBe("stream.ended");
  });
});

/** A body that forwards `count` SSE messages (blank-line separated), then fails like a dropped connection. */
function cutAfterMessages(body: ReadableStream<Uint8Array>, count: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffered = "";
  let forwarded = 0;
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) return controller.close();
      buffered += decoder.decode(value, { stream: true });
      let end = buffered.indexOf("\n\n");
      while (end >= 0) {
        const message = buffered.slice(0, end + 2);
        buffered = buffered.slice(end + 2);
        controller.enqueue(encoder.encode(message));
        if (message.includes("\ndata:") || message.startsWith("data:") || message.includes("id:"))
          forwarded++;
        if (forwarded >= count) {
          await reader.cancel();
          controller.error(new TypeError("network error: connection reset"));
          return;
        }
        end = buffered.indexOf("\n\n");
      }
    },
    cancel: () => reader.cancel(),
  });
}
