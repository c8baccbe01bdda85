import { afterEach, describe, expect, it } from "vitest";
import type { Fairway } from "../../src/fairway.js";
import { createTenantToken } from "../../src/server/index.js";
import { readSse } from "./helpers/read-sse.js";
import { SIGNING_KEY, type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  t = undefined;
});

function define(fairway: Fairway) {
  return [
    fairway.createFunction({ id: "wait" }, { event: "app/wait" }, async ({ step }) =>
      step.waitForEvent("never", { event: "app/never", timeout: "1h" }),
    ),
  ];
}

/** A tenant token for `userId` that expires `ms` from now (the shortest lifetime, 1 s, issued earlier). */
function tokenExpiringIn(userId: string, ms: number): string {
  const issuedAt = Date.now() - 1000 + ms;
  return createTenantToken({ userId, secret: SIGNING_KEY, expiresIn: 1000, now: () => issuedAt }).token;
}

describe("streams opened with a tenant token", { timeout: 10_000 }, () => {
  it("end when the token expires, and reconnecting with it is refused", async () => {
    t = testServer(define);
    const runId = await t.start("app/wait", { userId: "u1" });
    await expect.poll(async () => (await t!.fairway.getRun(runId))?.status).toBe("waiting");
    const token = tokenExpiringIn("u1", 300);
    const streams = [
      `/api/stream?token=${token}`,
      `/api/runs/${runId}/stream?token=${token}`,
      `/api/threads/t-1/stream?token=${token}`,
    ];
    const responses = await Promise.all(streams.map((path) => t!.call(path, {}, null)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    const ended = await Promise.all(responses.map((response) => readSse(response)));
    // The run stream had sent its snapshot; none says the thing streamed is over.
    expect(ended.map((messages) => messages.map((m) => m.event))).toEqual([[], ["run.snapshot"], []]);
    const again = await t.call(streams[0]!, {}, null);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({
      error: { code: "unauthorized", message: expect.stringMatching(/expired/) },
    });
  });
});

describe("a tenant token in the query string", () => {
  it("is taken on stream URLs only (EventSource cannot send headers); elsewhere it must be a header", async () => {
    t = testServer(define);
    const runId = await t.start("app/wait", { userId: "u1" });
    const { token } = createTenantToken({ userId: "u1", secret: SIGNING_KEY });
    for (const path of ["/api/runs", `/api/runs/${runId}`]) {
      const response = await t.call(`${path}?token=${token}`, {}, null);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        error: { code: "unauthorized", message: expect.stringMatching(/only on stream URLs/) },
      });
      expect((await t.call(path, {}, token)).status).toBe(200);
    }
  });
});
