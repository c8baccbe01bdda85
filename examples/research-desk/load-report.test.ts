import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/index.js";
import { HEAVY_USER, PAID_USER, planLoad } from "./load-plan.js";
import type { Question } from "./questions.js";
import { renderSummary, renderTenantTable } from "./report.js";
import { formatMs, percentile } from "./stats.js";
import { renderTable } from "./table.js";
import { TenantTracker } from "./tenant-tracker.js";

describe("percentile (nearest rank)", () => {
  it("matches hand-computed ranks", () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBe(99);
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile(values, 0)).toThrow(RangeError);
  });

  it("formats durations for cells", () => {
    expect([formatMs(undefined), formatMs(4.4), formatMs(1234), formatMs(12_345)]).toEqual([
      "–",
      "4ms",
      "1.23s",
      "12.3s",
    ]);
  });
});

describe("renderTable", () => {
  it("pads columns and right-aligns numbers", () => {
    const text = renderTable(
      [{ header: "user" }, { header: "n", align: "right" }],
      [
        ["a", "5"],
        ["long-name", "12"],
      ],
    );
    expect(text).toBe(["user        n", "---------  --", "a           5", "long-name  12"].join("\n"));
  });
});

describe("TenantTracker", () => {
  it("counts queued, running and done per user and records start latency and peak concurrency", () => {
    const tracker = new TenantTracker();
    tracker.accepted("r1", "u1", "free", 1000);
    tracker.accepted("r2", "u1", "free", 1000);
    tracker.accepted("r3", "u2", "paid", 1100);
    tracker.started("r1", 1010);
    tracker.started("r2", 1030);
    tracker.started("r2", 1030);
    expect(tracker.snapshot()[0]).toMatchObject({ userId: "u1", queued: 0, running: 2, maxRunning: 2 });
    tracker.paused("r2");
    tracker.started("r2", 1200);
    tracker.ended("r1", "completed");
    tracker.ended("r2", "failed");
    tracker.ended("r3", "skipped", "rate limit");
    tracker.ended("r3", "completed");
    const [u1, u2] = tracker.snapshot();
    expect(u1).toMatchObject({
      sent: 2,
      running: 0,
      completed: 1,
      failed: 1,
      maxRunning: 2,
      startP50: 10,
      startP99: 30,
    });
    expect(u2).toMatchObject({ plan: "paid", sent: 1, queued: 0, skipped: 1, completed: 0 });
    expect(u2?.startP50).toBeUndefined();
    expect(tracker.skipReasons()).toEqual([{ reason: "rate limit", count: 1 }]);
    expect(tracker.pending).toBe(0);
    expect(tracker.globalMaxRunning).toBe(2);
  });

  it("ignores transitions of runs it never accepted", () => {
    const tracker = new TenantTracker();
    tracker.started("nope", 1);
    tracker.ended("nope", "completed");
    expect(tracker.snapshot()).toEqual([]);
  });
});

describe("report", () => {
  const tenants = [
    {
      userId: "heavy-user",
      plan: "free",
      sent: 200,
      queued: 150,
      throttled: 140,
      running: 10,
      completed: 30,
      failed: 0,
      skipped: 10,
      maxRunning: 10,
      startP50: 800,
      startP99: 2500,
    },
    {
      userId: "light-01",
      plan: "free",
      sent: 2,
      queued: 0,
      running: 0,
      completed: 2,
      failed: 0,
      skipped: 0,
      maxRunning: 1,
      startP50: 3,
    },
  ];

  it("renders the live table with one row per user", () => {
    const lines = renderTenantTable(tenants).split("\n");
    expect(lines[0]).toMatch(
      /^user\s+plan\s+sent\s+queued\s+throttled\s+running\s+done\s+skipped\s+failed\s+max running\s+start p50\s+start p99$/,
    );
    expect(lines[2]).toMatch(
      /^heavy-user\s+free\s+200\s+150\s+140\s+10\s+30\s+10\s+0\s+10\s+800ms\s+2\.50s$/,
    );
    expect(lines[3]).toMatch(/^light-01\s+free\s+2\s+0\s+–\s+0/);
    expect(lines[3]).toMatch(/3ms\s+–$/);
  });

  it("summarises skips with reasons and citation accuracy", () => {
    const text = renderSummary({
      modelName: "keyword-policy (offline, not an LLM)",
      tenants,
      skipReasons: [{ reason: "rate limit exceeded for key heavy-user", count: 10 }],
      citations: { correct: 29, checked: 32 },
      elapsedMs: 12_000,
      globalMaxRunning: 24,
    });
    expect(text).toContain("model: keyword-policy (offline, not an LLM)");
    expect(text).toContain(
      "202 questions accepted in 12.0s: 192 admitted to run, 10 skipped without running.",
    );
    expect(text).toContain(
      "Admitted runs: 32 completed, 0 failed or cancelled, 160 not ended yet; at most 24 executing at once.",
    );
    expect(text).toContain("Skipped runs: 10\n  10 × rate limit exceeded for key heavy-user");
    expect(text).toContain("Completed answers citing the right source file: 29 of 32 (90.6%)");
  });

  it("drops the not-ended count once every admitted run has ended", () => {
    const text = renderSummary({
      modelName: "m",
      tenants: [
        {
          userId: "u1",
          plan: "free",
          sent: 5,
          queued: 0,
          running: 0,
          completed: 4,
          failed: 1,
          skipped: 0,
          maxRunning: 3,
        },
      ],
      skipReasons: [],
      citations: { correct: 0, checked: 0 },
      elapsedMs: 900,
      globalMaxRunning: 3,
    });
    expect(text.split("\n").slice(1, 3)).toEqual([
      "5 questions accepted in 900ms: 5 admitted to run, 0 skipped without running.",
      "Admitted runs: 4 completed, 1 failed or cancelled; at most 3 executing at once.",
    ]);
    expect(text).toContain("Skipped runs: none.");
    expect(text).toContain("Completed answers citing the right source file: 0 of 0 (–)");
  });
});

describe("planLoad", () => {
  const questions: Question[] = [1, 2, 3].map((i) => ({
    id: `q${i}`,
    question: `question ${i}?`,
    file: "a/README.md",
  }));

  it("sends the heavy burst at 0, then light and paid users staggered over time", () => {
    const plan = planLoad(questions, {
      heavyQuestions: 5,
      lightUsers: 2,
      lightQuestionsEach: 2,
      lightIntervalMs: 900,
      paidQuestions: 1,
      lightStartMs: 100,
    });
    expect(plan.filter((send) => send.userId === HEAVY_USER).every((send) => send.atMs === 0)).toBe(true);
    expect(plan.filter((send) => send.userId !== HEAVY_USER).map((send) => [send.userId, send.atMs])).toEqual(
      [
        ["light-01", 100],
        ["light-02", 400],
        [PAID_USER, 700],
        ["light-01", 1000],
        ["light-02", 1300],
      ],
    );
    expect(plan.find((send) => send.userId === PAID_USER)?.plan).toBe("paid");
    expect(plan.map((send) => send.question.id).slice(0, 4)).toEqual(["q1", "q2", "q3", "q1"]);
  });

  it("defaults to 200 heavy questions, ten light users and a paid user", () => {
    const plan = planLoad(questions);
    expect(plan.filter((send) => send.userId === HEAVY_USER)).toHaveLength(200);
    expect(new Set(plan.map((send) => send.userId)).size).toBe(12);
  });

  it("rejects bad counts with a ConfigError naming the option", () => {
    expect(() => planLoad(questions, { lightUsers: -1 })).toThrow(ConfigError);
    expect(() => planLoad(questions, { lightIntervalMs: 0 })).toThrow(/lightIntervalMs/);
    expect(() => planLoad([], {})).toThrow(/questions/);
  });
});
