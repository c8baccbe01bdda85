/**
 * An SDK function's flow control runs on Fairway's scheduler: a concurrency key is never exceeded
 * (recorded by the step bodies themselves), throttle paces run starts (fake clock), cancelOn cancels the
 * matching run only. Registration refuses what Fairway cannot run, naming the function and the field.
 */
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { type startFairway, startRig, syncApp, until } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

async function rig(clock?: FakeClock) {
  const { fairway, app, close } = await startRig(clock ? { clock } : {});
  cleanups.push(close);
  return { fairway, app, inngest: new Inngest({ id: "desk" }) };
}

async function statuses(fairway: Awaited<ReturnType<typeof startFairway>>, functionId: string) {
  const { runs } = await fairway.client.listRuns({ functionId, limit: 100 });
  return runs.map((run) => run.status);
}

describe("SDK flow control on Fairway", () => {
  it("never runs more than `limit` steps of one concurrency key at once, and other keys are not held up", async () => {
    const { fairway, app, inngest } = await rig();
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fn = inngest.createFunction(
      {
        id: "answer",
        concurrency: [{ key: "event.data.user_id", limit: 2 }],
        triggers: [{ event: "desk/ask" }],
      },
      async ({ event, step }) => {
        const user = (event.data as { user_id: string }).user_id;
        return step.run("think", async () => {
          inFlight.set(user, (inFlight.get(user) ?? 0) + 1);
          peak.set(user, Math.max(peak.get(user) ?? 0, inFlight.get(user) ?? 0));
          await gate;
          inFlight.set(user, (inFlight.get(user) ?? 0) - 1);
          return user;
        });
      },
    );
    app.use(serve({ client: inngest, functions: [fn] }));
    expect((await syncApp(app.url)).status).toBe(200);
    await inngest.send([
      ...Array.from({ length: 6 }, () => ({ name: "desk/ask", data: { user_id: "heavy" } })),
      ...Array.from({ length: 3 }, () => ({ name: "desk/ask", data: { user_id: "light" } })),
    ]);
    // Both keys reach their limit while the gate is closed: 2 + 2 in flight, the rest queued.
    await until(() => inFlight.get("heavy") === 2 && inFlight.get("light") === 2);
    expect(fairway.client.flowState("desk-answer").length).toBeGreaterThan(0);
    release();
    await until(
      async () => (await statuses(fairway, "desk-answer")).filter((s) => s === "completed").length === 9,
    );
    expect(Object.fromEntries(peak)).toEqual({ heavy: 2, light: 2 });
  });

  it("throttle: `limit` run starts per period, the excess waits (fake clock)", async () => {
    const clock = new FakeClock();
    const { fairway, app, inngest } = await rig(clock);
    const starts: number[] = [];
    const fn = inngest.createFunction(
      { id: "digest", throttle: { limit: 1, period: "1m" }, triggers: [{ event: "desk/digest" }] },
      async ({ step }) => step.run("send", () => starts.push(clock.now())),
    );
    app.use(serve({ client: inngest, functions: [fn] }));
    await syncApp(app.url);
    const t0 = clock.now();
    await inngest.send(Array.from({ length: 3 }, (_, n) => ({ name: "desk/digest", data: { n } })));
    await until(async () => (await statuses(fairway, "desk-digest")).includes("completed"));
    expect(starts.map((at) => at - t0)).toEqual([0]);
    await clock.advance("59s");
    expect(starts).toHaveLength(1);
    await clock.advance("1s");
    await until(() => starts.length === 2);
    await clock.advance("1m");
    await until(() => starts.length === 3);
    expect(starts.map((at) => at - t0)).toEqual([0, 60_000, 120_000]);
  });

  it("cancelOn cancels the run whose event matches; the other run goes on", async () => {
    const clock = new FakeClock();
    const { fairway, app, inngest } = await rig(clock);
    const shipped: string[] = [];
    const fn = inngest.createFunction(
      {
        id: "ship",
        cancelOn: [{ event: "desk/order.cancelled", match: "data.orderId" }],
        triggers: [{ event: "desk/order.placed" }],
      },
      async ({ event, step }) => {
        await step.sleep("wait-for-pickup", "1h");
        await step.run("ship", () => shipped.push((event.data as { orderId: string }).orderId));
      },
    );
    app.use(serve({ client: inngest, functions: [fn] }));
    await syncApp(app.url);
    await inngest.send([
      { name: "desk/order.placed", data: { orderId: "a" } },
      { name: "desk/order.placed", data: { orderId: "b" } },
    ]);
    await until(async () => (await statuses(fairway, "desk-ship")).every((s) => s === "sleeping"));
    await inngest.send({ name: "desk/order.cancelled", data: { orderId: "a" } });
    await until(async () => (await statuses(fairway, "desk-ship")).includes("cancelled"));
    await clock.advance("1h");
    await until(async () => (await statuses(fairway, "desk-ship")).includes("completed"));
    expect((await statuses(fairway, "desk-ship")).sort()).toEqual(["cancelled", "completed"]);
    expect(shipped).toEqual(["b"]);
  });

  it("refuses a sync with a function Fairway cannot run, naming the function and the field", async () => {
    const { fairway, app, inngest } = await rig();
    const ok = inngest.createFunction({ id: "fine", triggers: [{ event: "desk/fine" }] }, async () => "ok");
    const bad = inngest.createFunction(
      { id: "audit", triggers: [{ event: "inngest/function.finished" }] },
      async () => "never",
    );
    app.use(serve({ client: inngest, functions: [ok, bad] }));
    const sync = await syncApp(app.url);
    expect(sync.status).toBe(400);
    expect((sync.body as { message: string }).message).toContain(
      'functions[1] ("desk-audit").triggers[0].event',
    );
    // All or nothing: the valid function of the refused sync was not added either.
    expect(fairway.server.inngest.list()).toEqual([]);
  });
});
