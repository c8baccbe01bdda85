import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import type { Fairway } from "../../src/fairway.js";
import { EventBuffer } from "../../src/server/event-buffer.js";
import { serveSse } from "../../src/server/sse.js";
import { readSse } from "./helpers/read-sse.js";
import { EVENT_KEY, type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  t = undefined;
});

type Item = { name: string };

function sseApp(buffer: EventBuffer<Item>, withSnapshot: boolean) {
  const app = new Hono();
  app.get("/s", (c) =>
    serveSse(c, {
      buffer,
      // A stream that fails fails the test (an unhandled rejection).
      onError: (error) => {
        throw error;
      },
      filter: () => true,
      toMessage: (item) => ({ event: item.name, data: item }),
      isEnd: (item) => item.name === "done",
      ...(withSnapshot && {
        snapshot: async () => ({ messages: [{ event: "snapshot", data: {} }], ended: false }),
      }),
    }),
  );
  return app;
}

function define(fairway: Fairway) {
  return [
    fairway.createFunction({ id: "noop" }, { event: "app/noop" }, async ({ step }) => step.run("a", () => 1)),
  ];
}

/** A JSON text of `depth` nested arrays around 1. */
function nested(depth: number): string {
  return `${"[".repeat(depth)}1${"]".repeat(depth)}`;
}

describe("SSE resume with a Last-Event-ID this server never issued (e.g. from before a restart)", () => {
  it("replays what this buffer holds and then streams live, when the feed has no snapshot", async () => {
    const buffer = new EventBuffer<Item>();
    buffer.publish({ name: "one" });
    buffer.publish({ name: "two" });
    const response = await sseApp(buffer, false).request("/s", { headers: { "last-event-id": "999999" } });
    const reading = readSse(response);
    buffer.publish({ name: "done" });
    expect((await reading).map((m) => [m.id, m.event])).toEqual([
      ["1", "one"],
      ["2", "two"],
      ["3", "done"],
      ["3", "stream.ended"],
    ]);
  });

  it("sends a fresh snapshot, numbered as of now, when the feed has one", async () => {
    const buffer = new EventBuffer<Item>();
    buffer.publish({ name: "one" });
    const response = await sseApp(buffer, true).request("/s?lastEventId=500");
    const messages = await readSse(response, (message) => message.event === "snapshot");
    expect(messages.map((m) => [m.id, m.event])).toEqual([["1", "snapshot"]]);
  });

  it("keeps /api/stream live for a dashboard that reconnects with an id from the server's previous life", async () => {
    t = testServer(define);
    const response = await t.call("/api/stream", { headers: { "last-event-id": "123456" } });
    const reading = readSse(response, (message) => message.event === "run.completed");
    const runId = await t.start("app/noop");
    const messages = await reading;
    expect(messages.at(-1)).toMatchObject({ event: "run.completed", data: { runId } });
  });

  it("gives a run stream resumed with an unknown id the run's snapshot before it ends", async () => {
    t = testServer(define);
    const runId = await t.start("app/noop");
    await expect.poll(async () => (await t!.fairway.getRun(runId))?.status).toBe("completed");
    const response = await t.call(`/api/runs/${runId}/stream`, { headers: { "last-event-id": "999999" } });
    const messages = await readSse(response);
    expect(messages.map((m) => m.event)).toEqual(["run.snapshot", "stream.ended"]);
    expect(messages[0]).toMatchObject({ data: { run: { id: runId, status: "completed" } } });
  });
});

describe("deeply nested request bodies", () => {
  it("are refused with 400 naming the depth rule, store nothing, and the server keeps serving", async () => {
    t = testServer(define);
    const post = (body: string) =>
      t!.call(
        "/api/events",
        { method: "POST", body, headers: { "content-type": "application/json" } },
        EVENT_KEY,
      );
    const deep = await post(`{"name":"app/noop","data":{"x":${nested(100_000)}}}`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({
      error: { code: "validation_failed", message: expect.stringMatching(/nested deeper than 128 levels/) },
    });
    const inngest = await t.call(`/e/${EVENT_KEY}`, { method: "POST", body: `[${nested(5000)}]` }, null);
    expect(await inngest.json()).toMatchObject({ ids: [], status: 400, code: "validation_failed" });
    expect((await t.fairway.listRuns()).runs).toHaveLength(0);
    const fine = await post(`{"name":"app/noop","data":{"x":${nested(120)}}}`);
    expect(fine.status).toBe(200);
  });
});

describe("many open streams", () => {
  it("do not set off Node's MaxListenersExceededWarning on the server's shutdown signal", async () => {
    t = testServer(define);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const responses = await Promise.all(Array.from({ length: 20 }, () => t!.call("/api/stream")));
      const readers = responses.map((response) => readSse(response));
      // Each stream listens to the shutdown signal before its headers are sent, so all 20 listen by now.
      await t.call("/api/health");
      await t.server.close();
      await Promise.all(readers);
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("403 messages", () => {
  it("name the credential needed and the one sent in plain English", async () => {
    t = testServer(define);
    const response = await t.call("/api/runs", {}, EVENT_KEY);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      error: {
        code: "forbidden",
        message: "This endpoint needs a signing key or tenant token; the credential sent is an event key.",
      },
    });
  });
});
