import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEAVY_USER, lightUserIds } from "./load-plan.js";
import { type DeskRun, MODES, runDesk } from "./run-desk.js";

describe("the research desk scenario, quick mode on the embedded SQLite store", () => {
  let desk: DeskRun;
  let output = "";
  const storeDir = mkdtempSync(join(tmpdir(), "desk-test-"));

  beforeAll(async () => {
    const out = new PassThrough();
    out.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    desk = await runDesk({
      quick: true,
      port: 0,
      store: join(storeDir, "fairway.db"),
      env: {},
      out,
      live: false,
    });
  }, 120_000);

  afterAll(async () => {
    await desk?.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it("uses the offline model and says it is not an LLM", () => {
    expect(desk.selected.offline).toBe(true);
    expect(output).toContain("Model: keyword-policy (offline, not an LLM");
    expect(output).toContain("Research desk summary");
  });

  it("ends every accepted question completed or skipped with a reason", async () => {
    const tenants = desk.result.tracker.snapshot();
    const planned = MODES.quick.plan;
    expect(tenants.reduce((sum, t) => sum + t.sent, 0)).toBe(
      planned.heavyQuestions + planned.lightUsers * planned.lightQuestionsEach + planned.paidQuestions,
    );
    for (const tenant of tenants) {
      expect(tenant.completed + tenant.skipped, tenant.userId).toBe(tenant.sent);
      expect(tenant.failed, tenant.userId).toBe(0);
    }
    const { runs } = await desk.server.client.listRuns({ functionId: "deep-research-network", limit: 1000 });
    expect(runs).toHaveLength(tenants.reduce((sum, t) => sum + t.sent, 0));
    for (const run of runs) {
      expect(["completed", "skipped"]).toContain(run.status);
      if (run.status === "skipped") expect(run.skipReason).toBeTruthy();
    }
  });

  it("skips the heavy user's questions over the per-user rate limit, saying why", () => {
    const heavy = desk.result.tracker.snapshot().find((t) => t.userId === HEAVY_USER);
    expect(heavy?.skipped).toBe(MODES.quick.plan.heavyQuestions - MODES.quick.limits.rateLimitPerMinute);
    const reasons = desk.result.tracker.skipReasons();
    expect(reasons.every(({ reason }) => reason !== "no reason given")).toBe(true);
    expect(output).toMatch(/Skipped runs: \d+\n {2}\d+ × /);
  });

  it("never runs more than 10 of one user's runs at once", () => {
    for (const tenant of desk.result.tracker.snapshot()) {
      expect(tenant.maxRunning, tenant.userId).toBeLessThanOrEqual(desk.limits.perUserConcurrency);
    }
    const heavy = desk.result.tracker.snapshot().find((t) => t.userId === HEAVY_USER);
    expect(heavy?.maxRunning).toBe(desk.limits.perUserConcurrency);
    for (const tenant of desk.result.tracker.snapshot()) {
      expect(desk.flow.peakRunning(tenant.userId), `engine count for ${tenant.userId}`).toBeLessThanOrEqual(
        10,
      );
    }
    expect(desk.flow.peakRunning(HEAVY_USER)).toBe(10);
    expect(desk.result.tracker.globalMaxRunning).toBeLessThanOrEqual(desk.limits.globalConcurrency);
  });

  it("starts light users' questions quickly while the heavy user is backlogged", () => {
    expect(desk.result.sentDuringBacklog).toBeGreaterThanOrEqual(10);
    const tenants = desk.result.tracker.snapshot();
    const heavy = tenants.find((t) => t.userId === HEAVY_USER);
    // Relative, not a wall-clock bound (speed targets live in bench/): every light user's p99 start latency
    // stays below the backlogged heavy user's, whatever the machine's load.
    const lightP99 = lightUserIds(MODES.quick.plan.lightUsers).map((userId) => {
      const light = tenants.find((t) => t.userId === userId);
      expect(light?.startP99, userId).toBeDefined();
      return light?.startP99 ?? Number.POSITIVE_INFINITY;
    });
    expect(heavy?.startP99).toBeGreaterThan(Math.max(...lightP99));
  });

  it("cites the right source file in at least 80% of the answers", () => {
    const { correct, checked } = desk.result.citations;
    const completed = desk.result.tracker.snapshot().reduce((sum, t) => sum + t.completed, 0);
    expect(checked).toBe(completed);
    expect(correct / checked).toBeGreaterThanOrEqual(0.8);
  });

  it("streams each run's agent events (the offline model's tokens included) on the run's thread", async () => {
    const { runs } = await desk.server.client.listRuns({
      functionId: "deep-research-network",
      status: "completed",
      limit: 1,
    });
    const response = await fetch(new URL(`/api/threads/${runs[0]?.id}/stream`, desk.url), {
      headers: { "last-event-id": "0" },
    });
    const text = await response.text();
    const events = text.split("\n").filter((line) => line.startsWith("event: "));
    expect(events).toContain("event: tool_call.arguments.delta");
    expect(events.at(-1)).toBe("event: stream.ended");
    const firstDelta = text.split("\n").find((line) => line.includes('"event":"text.delta"')) ?? "";
    expect(firstDelta).toContain("[offline, not an LLM]");
  });

  it("serves the API and the dashboard while it runs", async () => {
    const health = await fetch(new URL("/api/health", desk.url));
    expect(health.status).toBe(200);
    const page = await fetch(desk.url);
    expect(page.headers.get("content-type")).toContain("text/html");
  });
});

describe("the research desk with server credentials", () => {
  it("sends its load with the event key when FAIRWAY_EVENT_KEYS is set", async () => {
    const env = {
      FAIRWAY_EVENT_KEYS: "event-key-0123456789abcdef",
      FAIRWAY_SIGNING_KEY: "signing-key-0123456789abcdef",
    };
    const desk = await runDesk({
      quick: true,
      port: 0,
      store: "memory",
      env,
      out: new PassThrough(),
      live: false,
    });
    try {
      expect(desk.result.tracker.snapshot().every((t) => t.completed + t.skipped === t.sent)).toBe(true);
      expect((await fetch(new URL("/api/runs", desk.url))).status).toBe(401);
      const authorized = await fetch(new URL("/api/runs?limit=1", desk.url), {
        headers: { authorization: `Bearer ${env.FAIRWAY_SIGNING_KEY}` },
      });
      expect(authorized.status).toBe(200);
    } finally {
      await desk.close();
    }
  }, 60_000);
});
