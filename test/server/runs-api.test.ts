import { afterEach, describe, expect, it } from "vitest";
import type { Fairway } from "../../src/fairway.js";
import { createTenantToken } from "../../src/server/index.js";
import { EVENT_KEY, SIGNING_KEY, type TestServer, testServer } from "./helpers/test-server.js";

let t: TestServer;
afterEach(() => t?.server.close());

function define(fairway: Fairway) {
  let failures = 0;
  return [
    fairway.createFunction({ id: "quick" }, { event: "app/quick" }, async ({ event }) => event.data),
    fairway.createFunction({ id: "approval" }, { event: "app/request" }, async ({ event, step }) => {
      await step.run("prepare", () => "ready");
      await step.run("flaky", () => {
        if (failures++ === 0) throw new Error("first attempt fails");
        return "ok";
      });
      const approval = await step.waitForEvent("approval", {
        event: "app/approve",
        match: "data.id",
        timeout: "1h",
      });
      return { approved: approval?.data.id === event.data.id };
    }),
  ];
}

type RunBody = {
  run: { id: string; status: string; functionId: string };
  steps: Array<Record<string, unknown>>;
};

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe("run API", () => {
  it("shows one run with its step timeline: outputs, retries, a wait", async () => {
    t = testServer(define);
    const runId = await t.start("app/request", { id: "r1" });
    await expect.poll(async () => (await t.fairway.getRun(runId))?.status).toBe("waiting");
    const waiting = await json<RunBody>(await t.call(`/api/runs/${runId}`));
    expect(waiting.run).toMatchObject({ id: runId, functionId: "approval", status: "waiting" });
    expect(waiting.steps).toEqual([
      expect.objectContaining({
        id: "prepare",
        op: "run",
        status: "completed",
        output: "ready",
        attempts: 1,
      }),
      expect.objectContaining({ id: "flaky", op: "run", status: "completed", output: "ok", attempts: 2 }),
      expect.objectContaining({
        id: "approval",
        op: "waitForEvent",
        status: "waiting",
        wakeAt: expect.any(Number),
      }),
    ]);
    await t.call(
      "/api/events",
      { method: "POST", json: { name: "app/approve", data: { id: "r1" } } },
      EVENT_KEY,
    );
    expect(await t.fairway.waitForRun(runId)).toEqual({ approved: true });
    const done = await json<RunBody>(await t.call(`/api/runs/${runId}`));
    expect(done.run).toMatchObject({ status: "completed", output: { approved: true } });
    expect(done.steps[2]).toMatchObject({
      status: "completed",
      output: expect.objectContaining({ name: "app/approve" }),
    });
  });

  it("lists runs newest first with filters and pages", async () => {
    t = testServer(define);
    const first = await t.start("app/quick", { n: 1 });
    const second = await t.start("app/quick", { n: 2 });
    const third = await t.start("app/request", { id: "x" });
    await t.fairway.waitForRun(first);
    await t.fairway.waitForRun(second);
    const all = await json<{ runs: { id: string }[] }>(await t.call("/api/runs"));
    expect(all.runs.map((run) => run.id)).toEqual([third, second, first]);
    const quick = await json<{ runs: { id: string }[] }>(
      await t.call("/api/runs?function=quick&status=completed"),
    );
    expect(quick.runs.map((run) => run.id)).toEqual([second, first]);
    const page1 = await json<{ runs: { id: string }[]; nextCursor: string }>(
      await t.call("/api/runs?limit=2"),
    );
    expect(page1.runs.map((run) => run.id)).toEqual([third, second]);
    const page2 = await json<{ runs: { id: string }[]; nextCursor?: string }>(
      await t.call(`/api/runs?limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`),
    );
    expect(page2.runs.map((run) => run.id)).toEqual([first]);
    expect(page2.nextCursor).toBeUndefined();
    const createdAt = (await t.fairway.getRun(second))!.createdAt;
    const since = await json<{ runs: { id: string }[] }>(
      await t.call(`/api/runs?since=${createdAt}&function=quick`),
    );
    expect(since.runs.map((run) => run.id)).toContain(second);
    const iso = new Date(createdAt + 60_000).toISOString();
    expect((await json<{ runs: unknown[] }>(await t.call(`/api/runs?since=${iso}`))).runs).toEqual([]);
  });

  it("rejects bad filters and unknown runs or functions with 4xx", async () => {
    t = testServer(define);
    const unknownFn = await t.call("/api/runs?function=nope");
    expect(unknownFn.status).toBe(404);
    expect(await unknownFn.json()).toMatchObject({
      error: { code: "not_found", message: 'No function with id "nope".' },
    });
    const badStatus = await json<{ error: { issues: { path: string }[] } }>(
      await t.call("/api/runs?status=done"),
    );
    expect(badStatus.error.issues[0]!.path).toBe("status");
    expect((await t.call("/api/runs?limit=0")).status).toBe(400);
    expect((await t.call("/api/runs?since=yesterday")).status).toBe(400);
    const extra = await json<{ error: { issues: unknown[] } }>(await t.call("/api/runs?fn=quick"));
    expect(extra.error.issues).toEqual([{ path: "fn", message: "unknown field" }]);
    expect((await t.call("/api/runs/01NOPE")).status).toBe(404);
    expect((await t.call("/api/runs/01NOPE/cancel", { method: "POST" })).status).toBe(404);
    expect((await t.call("/api/runs/01NOPE/rerun", { method: "POST" })).status).toBe(404);
  });

  it("cancels a waiting run and reruns a finished one", async () => {
    t = testServer(define);
    const waiting = await t.start("app/request", { id: "c" });
    await expect.poll(async () => (await t.fairway.getRun(waiting))?.status).toBe("waiting");
    const cancelled = await t.call(`/api/runs/${waiting}/cancel`, {
      method: "POST",
      json: { reason: "not needed" },
    });
    expect(await cancelled.json()).toEqual({ runId: waiting, status: "cancelled" });
    expect(await t.fairway.getRun(waiting)).toMatchObject({
      status: "cancelled",
      cancelReason: "not needed",
    });
    expect((await t.call(`/api/runs/${waiting}/cancel`, { method: "POST", json: { why: "x" } })).status).toBe(
      400,
    );

    const quick = await t.start("app/quick", { n: 7 });
    await t.fairway.waitForRun(quick);
    const rerun = await json<{ runId: string }>(await t.call(`/api/runs/${quick}/rerun`, { method: "POST" }));
    expect(rerun.runId).not.toBe(quick);
    expect(await t.fairway.waitForRun(rerun.runId)).toEqual({ n: 7 });
  });

  it("keeps the admin API to the signing key: 401 without, 403 for event keys and tenant tokens", async () => {
    t = testServer(define);
    const runId = await t.start("app/quick", { userId: "u1" });
    const { token } = createTenantToken({ userId: "u1", secret: SIGNING_KEY });
    for (const [path, method] of [
      ["/api/runs", "GET"],
      [`/api/runs/${runId}`, "GET"],
      [`/api/runs/${runId}/cancel`, "POST"],
      [`/api/runs/${runId}/rerun`, "POST"],
      ["/api/functions", "GET"],
      ["/api/tokens", "POST"],
      [`/api/runs/${runId}/stream`, "GET"],
      ["/api/stream", "GET"],
    ] as const) {
      const none = await t.call(path, { method }, null);
      expect(none.status, `${method} ${path} without credentials`).toBe(401);
      expect(await none.json()).toMatchObject({ error: { code: "unauthorized" } });
      const sender = await t.call(path, { method }, EVENT_KEY);
      expect(sender.status, `${method} ${path} with an event key`).toBe(403);
    }
    for (const [path, method] of [
      [`/api/runs/${runId}/cancel`, "POST"],
      [`/api/runs/${runId}/rerun`, "POST"],
      ["/api/functions", "GET"],
      ["/api/tokens", "POST"],
    ] as const) {
      expect((await t.call(path, { method }, token)).status, `${method} ${path} with a tenant token`).toBe(
        403,
      );
    }
    expect((await t.fairway.listRuns()).runs).toHaveLength(1);
  });

  it("lets a tenant token read only its own user's runs", async () => {
    t = testServer(define);
    const mine = await t.start("app/quick", { userId: "u1" });
    const theirs = await t.start("app/quick", { userId: "u2" });
    const snake = await t.start("app/quick", { user_id: "u1" });
    const { token } = createTenantToken({ userId: "u1", secret: SIGNING_KEY });
    const list = await json<{ runs: { id: string }[] }>(await t.call("/api/runs", {}, token));
    expect(list.runs.map((run) => run.id)).toEqual([snake, mine]);
    expect((await t.call(`/api/runs/${mine}`, {}, token)).status).toBe(200);
    const denied = await t.call(`/api/runs/${theirs}`, {}, token);
    expect(denied.status).toBe(403);
    expect(JSON.stringify(await denied.json())).not.toContain("u2");
    expect((await t.call(`/api/runs/${theirs}/stream`, {}, token)).status).toBe(403);
    const expired = createTenantToken({
      userId: "u1",
      secret: SIGNING_KEY,
      expiresIn: 1000,
      now: () => Date.now() - 5000,
    });
    expect((await t.call("/api/runs", {}, expired.token)).status).toBe(401);
    const forged = createTenantToken({ userId: "u2", secret: "some-other-secret-123456" });
    expect((await t.call("/api/runs", {}, forged.token)).status).toBe(401);
  });
});
