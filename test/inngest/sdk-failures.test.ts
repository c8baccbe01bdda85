/**
 * Failures of an SDK app's steps on Fairway: a failed step is retried with Fairway's backoff (the SDK sees
 * the attempt number), a `NonRetriableError` fails the run at once and the SDK's `onFailure` handler runs
 * with the error; an app error outside steps is retried as the whole request.
 */
import { Inngest, NonRetriableError } from "inngest";
import { serve } from "inngest/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { sdkSilent, type startFairway, startRig, syncApp, until } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

async function rig() {
  const clock = new FakeClock();
  const { fairway, app, close } = await startRig({ clock });
  cleanups.push(close);
  return { clock, fairway, app, inngest: new Inngest({ id: "billing", logger: sdkSilent }) };
}

async function finished(fairway: Awaited<ReturnType<typeof startFairway>>, functionId: string) {
  return until(async () => {
    const { runs } = await fairway.client.listRuns({ functionId });
    const run = runs[0];
    return run && ["completed", "failed", "cancelled"].includes(run.status) ? run : undefined;
  });
}

describe("SDK step failures on Fairway", () => {
  it("retries a failed step after Fairway's backoff; the SDK sees attempt 1 and the step's result", async () => {
    const { clock, fairway, app, inngest } = await rig();
    const attempts: number[] = [];
    const fn = inngest.createFunction(
      { id: "charge", retries: 2, triggers: [{ event: "billing/charge" }] },
      async ({ step, attempt }) => {
        const receipt = await step.run("charge-card", () => {
          attempts.push(attempt);
          if (attempts.length === 1) throw new Error("gateway timeout");
          return { receipt: "r-1" };
        });
        return receipt;
      },
    );
    app.use(serve({ client: inngest, functions: [fn] }));
    expect((await syncApp(app.url)).status).toBe(200);
    await inngest.send({ name: "billing/charge", data: {} });
    await until(async () => {
      const { runs } = await fairway.client.listRuns({ functionId: "billing-charge" });
      const steps = runs[0] ? await fairway.client.getRunSteps(runs[0].id) : [];
      return steps.find((step) => step.id === "charge-card")?.status === "retrying";
    });
    expect(attempts).toEqual([0]);
    await clock.advance("1m"); // backoff: 15 s + up to 30 s of jitter
    const run = await finished(fairway, "billing-charge");
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ receipt: "r-1" });
    expect(attempts).toEqual([0, 1]);
    const step = (await fairway.client.getRunSteps(run.id)).find((entry) => entry.id === "charge-card");
    expect(step).toMatchObject({ status: "completed", attempts: 2 });
  });

  it("fails the run at once on a NonRetriableError, and runs the SDK's onFailure handler with the error", async () => {
    const { fairway, app, inngest } = await rig();
    let calls = 0;
    const failures: { message: string; originalEvent: unknown }[] = [];
    const fn = inngest.createFunction(
      {
        id: "refund",
        retries: 3,
        triggers: [{ event: "billing/refund" }],
        onFailure: async ({ error, event }) => {
          failures.push({ message: error.message, originalEvent: event.data.event.data });
        },
      },
      async ({ step }) => {
        await step.run("refund-card", () => {
          calls += 1;
          throw new NonRetriableError("card closed");
        });
        return "unreachable";
      },
    );
    app.use(serve({ client: inngest, functions: [fn] }));
    const sync = await syncApp(app.url);
    expect(sync.status).toBe(200);
    await inngest.send({ name: "billing/refund", data: { orderId: "o7" } });
    const run = await finished(fairway, "billing-refund");
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("card closed");
    expect(calls).toBe(1);
    const step = (await fairway.client.getRunSteps(run.id)).find((entry) => entry.id === "refund-card");
    expect(step).toMatchObject({ status: "failed", attempts: 1 });
    await until(() => failures.length === 1);
    expect(failures[0]?.message).toContain("card closed");
    expect(failures[0]?.originalEvent).toEqual({ orderId: "o7" });
  });

  it("retries the whole request when the function throws outside a step", async () => {
    const { clock, fairway, app, inngest } = await rig();
    let calls = 0;
    const fn = inngest.createFunction(
      { id: "flaky", retries: 1, triggers: [{ event: "billing/flaky" }] },
      async () => {
        calls += 1;
        if (calls === 1) throw new Error("boom outside a step");
        return "ok";
      },
    );
    app.use(serve({ client: inngest, functions: [fn] }));
    await syncApp(app.url);
    await inngest.send({ name: "billing/flaky", data: {} });
    await until(() => calls === 1);
    await clock.advance("1m");
    const run = await finished(fairway, "billing-flaky");
    expect([run.status, run.output, calls]).toEqual(["completed", "ok", 2]);
  });
});
