import { afterEach, describe, expect, it } from "vitest";
import type { Fairway } from "../../src/fairway.js";
import { createTenantToken } from "../../src/server/index.js";
import { readSse } from "./helpers/read-sse.js";
import { supportDesk } from "./helpers/support-desk.js";
import { EVENT_KEY, SIGNING_KEY, type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer;
afterEach(() => t?.server.close());

function define(fairway: Fairway) {
  return [
    fairway.createFunction({ id: "approval" }, { event: "app/request" }, async ({ step }) => {
      const prepared = await step.run("prepare", () => "ready");
      const approval = await step.waitForEvent("approval", { event: "app/approve", timeout: "1h" });
      return { prepared, approved: approval !== null };
    }),
  ];
}

describe("run streams (SSE)", () => {
  it("follows a run from a snapshot through its steps to stream.ended", async () => {
    t = testServer(define);
    const runId = await t.start("app/request");
    await expect.poll(async () => (await t.fairway.getRun(runId))?.status).toBe("waiting");
    const response = await t.call(`/api/runs/${runId}/stream`);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reading = readSse(response);
    await t.call("/api/events", { method: "POST", json: { name: "app/approve" } }, EVENT_KEY);
    const messages = await reading;
    expect(messages[0]).toMatchObject({
      event: "run.snapshot",
      data: { run: { id: runId, status: "waiting" } },
    });
    const events = messages.slice(1).map((message) => message.event);
    expect(events.slice(-2)).toEqual(["run.completed", "stream.ended"]);
    expect(messages.at(-2)).toMatchObject({ data: { type: "run.completed", runId, functionId: "approval" } });
    const ids = messages.slice(1).map((message) => Number(message.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const before = String(Number(messages.at(-2)!.id) - 1);
    const resumed = await readSse(
      await t.call(`/api/runs/${runId}/stream`, { headers: { "last-event-id": before } }),
    );
    expect(resumed.map((message) => message.event)).toEqual(["run.completed", "stream.ended"]);
    const afterEnd = await readSse(
      await t.call(`/api/runs/${runId}/stream?lastEventId=${messages.at(-2)!.id}`),
    );
    expect(afterEnd.map((message) => message.event)).toEqual(["stream.ended"]);
  });

  it("answers a finished run's stream with its final snapshot and stream.ended", async () => {
    t = testServer(define);
    const runId = await t.start("app/request");
    await t.call("/api/events", { method: "POST", json: { name: "app/approve" } }, EVENT_KEY);
    await t.fairway.waitForRun(runId);
    const messages = await readSse(await t.call(`/api/runs/${runId}/stream`));
    expect(messages.map((message) => message.event)).toEqual(["run.snapshot", "stream.ended"]);
    expect(messages[0]!.data).toMatchObject({
      run: { status: "completed" },
      steps: [{ id: "prepare" }, { id: "approval" }],
    });
  });

  it("streams every run's lifecycle to admins and only a tenant's own runs to its token", async () => {
    t = testServer(define);
    const { token } = createTenantToken({ userId: "u1", secret: SIGNING_KEY });
    const controller = new AbortController();
    const [admin, tenant] = await Promise.all([
      t.call("/api/stream", { signal: controller.signal }),
      t.call(`/api/stream?token=${encodeURIComponent(token)}`, { signal: controller.signal }, null),
    ]);
    const theirs = await t.start("app/request", { userId: "u2" });
    const mine = await t.start("app/request", { userId: "u1" });
    const seenByAdmin = readSse(admin, (message) => (message.data as { runId: string }).runId === mine);
    const seenByTenant = readSse(tenant, (message) => (message.data as { runId: string }).runId === mine);
    const adminRuns = new Set(
      (await seenByAdmin).map((message) => (message.data as { runId: string }).runId),
    );
    const tenantRuns = new Set(
      (await seenByTenant).map((message) => (message.data as { runId: string }).runId),
    );
    controller.abort();
    expect(adminRuns).toEqual(new Set([theirs, mine]));
    expect(tenantRuns).toEqual(new Set([mine]));
  });

  it("rejects a stream request with bad query fields", async () => {
    t = testServer(define);
    const runId = await t.start("app/request");
    const response = await t.call(`/api/runs/${runId}/stream?since=1`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { issues: [{ path: "since", message: "unknown field" }] },
    });
  });
});

describe("thread streams (agent events over SSE)", () => {
  it("runs a network as network-<slug> and follows its thread to stream.ended", async () => {
    t = testServer(() => [], { networks: [supportDesk()] });
    expect(t.fairway.functions().map((fn) => fn.id)).toContain("network-support-desk");
    const stream = await t.call("/api/threads/thread-1/stream");
    const reading = readSse(stream);
    const runId = await t.start("test-app/network-support-desk", {
      input: "Where is my order?",
      threadId: "thread-1",
      userId: "u1",
    });
    const messages = await reading;
    const events = messages.map((message) => message.event);
    expect(events[0]).toBe("run.started");
    expect(events).toContain("tool_call.arguments.delta");
    expect(events).toContain("tool_call.output.delta");
    expect(events).toContain("text.delta");
    expect(events.at(-1)).toBe("stream.ended");
    const chunk = messages[0]!.data as { data: Record<string, unknown>; sequenceNumber: number };
    expect(chunk.data).toMatchObject({ threadId: "thread-1", userId: "u1", scope: "network" });
    const sequence = messages.map((message) => (message.data as { sequenceNumber: number }).sequenceNumber);
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    const text = messages
      .filter((message) => message.event === "text.delta")
      .map((message) => (message.data as { data: { delta: string } }).data.delta)
      .join("");
    expect(text).toBe("Your order o-1 has shipped.");
    const output = (await t.fairway.waitForRun(runId)) as {
      threadId: string;
      results: { agentName: string }[];
    };
    expect(output.threadId).toBe("thread-1");
    expect(output.results.map((result) => result.agentName)).toEqual(["Triage", "Answer"]);

    const resumed = await readSse(
      await t.call("/api/threads/thread-1/stream", { headers: { "last-event-id": messages.at(-3)!.id! } }),
    );
    expect(resumed.map((message) => message.event)).toEqual(events.slice(-2));
  });

  it("shows a tenant only chunks of its own user, and nothing of other users' threads", async () => {
    t = testServer(() => [], { networks: [supportDesk()] });
    const { token } = createTenantToken({ userId: "u1", secret: SIGNING_KEY });
    const runId = await t.start("test-app/network-support-desk", {
      input: "hi",
      threadId: "thread-9",
      userId: "u2",
    });
    await t.fairway.waitForRun(runId);
    const controller = new AbortController();
    const other = await t.call(
      "/api/threads/thread-9/stream?lastEventId=0",
      { signal: controller.signal },
      token,
    );
    expect(other.status).toBe(200);
    const reading = readSse(other, () => true);
    const mine = await t.start("test-app/network-support-desk", {
      input: "hi",
      threadId: "thread-9",
      userId: "u1",
    });
    const first = await reading;
    controller.abort();
    expect(first[0]!.data).toMatchObject({ data: { userId: "u1" } });
    await t.fairway.waitForRun(mine);
  });

  it("fails an agent event without data.input for good, naming the field", async () => {
    t = testServer(() => [], { networks: [supportDesk()] });
    const runId = await t.start("test-app/network-support-desk", { message: "hi" });
    await expect(t.fairway.waitForRun(runId)).rejects.toThrow(/event.data.input must be a string/);
  });
});
