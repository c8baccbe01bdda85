import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { EventBuffer } from "../../src/server/event-buffer.js";
import { serveSse } from "../../src/server/sse.js";
import { readSse } from "./helpers/read-sse.js";

type Item = { topic: string; name: string };

function appFor(buffer: EventBuffer<Item>, snapshot?: { name: string; ended: boolean }) {
  const app = new Hono();
  app.get("/stream/:topic", (c) =>
    serveSse(c, {
      buffer,
      // A stream that fails fails the test (an unhandled rejection).
      onError: (error) => {
        throw error;
      },
      filter: (item) => item.topic === c.req.param("topic"),
      toMessage: (item) => ({ event: item.name, data: item }),
      isEnd: (item) => item.name === "done",
      ...(snapshot && {
        snapshot: async () => ({
          messages: [{ event: "snapshot", data: { name: snapshot.name } }],
          ended: snapshot.ended,
        }),
      }),
    }),
  );
  return app;
}

describe("serveSse", () => {
  it("streams live events of its topic and closes after the end event with stream.ended", async () => {
    const buffer = new EventBuffer<Item>();
    const response = await appFor(buffer).request("/stream/a");
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reading = readSse(response);
    buffer.publish({ topic: "a", name: "one" });
    buffer.publish({ topic: "b", name: "other" });
    buffer.publish({ topic: "a", name: "done" });
    const messages = await reading;
    expect(messages.map((m) => [m.id, m.event])).toEqual([
      ["1", "one"],
      ["3", "done"],
      ["3", "stream.ended"],
    ]);
  });

  it("resumes after Last-Event-ID with only the missed events", async () => {
    const buffer = new EventBuffer<Item>();
    for (const name of ["one", "two", "three"]) buffer.publish({ topic: "a", name });
    buffer.publish({ topic: "a", name: "done" });
    const response = await appFor(buffer).request("/stream/a", { headers: { "last-event-id": "2" } });
    const messages = await readSse(response);
    expect(messages.map((m) => m.event)).toEqual(["three", "done", "stream.ended"]);
  });

  it("sends a snapshot on a fresh connection and after a gap, and closes when the snapshot says ended", async () => {
    const buffer = new EventBuffer<Item>(2);
    for (const name of ["one", "two", "three", "four"]) buffer.publish({ topic: "a", name });
    const app = appFor(buffer, { name: "state", ended: true });
    const fresh = await readSse(await app.request("/stream/a"));
    expect(fresh).toEqual([
      { id: "4", event: "snapshot", data: { name: "state" } },
      { id: "4", event: "stream.ended", data: {} },
    ]);
    const gap = await readSse(await app.request("/stream/a?lastEventId=1"));
    expect(gap.map((m) => m.event)).toEqual(["snapshot", "stream.ended"]);
  });

  it("does not end on its own an event stream whose end message is stream.ended itself", async () => {
    const buffer = new EventBuffer<Item>();
    const app = new Hono();
    app.get("/s", (c) =>
      serveSse(c, {
        buffer,
        // A stream that fails fails the test (an unhandled rejection).
        onError: (error) => {
          throw error;
        },
        filter: () => true,
        toMessage: (item) => ({ event: item.name, data: {} }),
        isEnd: (item) => item.name === "stream.ended",
      }),
    );
    const reading = readSse(await app.request("/s"));
    buffer.publish({ topic: "x", name: "text.delta" });
    buffer.publish({ topic: "x", name: "stream.ended" });
    expect((await reading).map((m) => m.event)).toEqual(["text.delta", "stream.ended"]);
  });
});
