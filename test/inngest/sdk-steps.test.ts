/**
 * An app written with the real `inngest` SDK (4.x), served on an ephemeral port and synced into Fairway:
 * step.run, step.sleep (fake clock), step.waitForEvent with `match`, step.invoke, parallel steps. Each
 * step body records its executions: a step Fairway has checkpointed never runs again.
 */
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { startRig, syncApp, until } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

describe("an Inngest SDK app on Fairway", () => {
  it("syncs, then runs step.run, step.sleep, step.waitForEvent (match), step.invoke and parallel steps", async () => {
    const clock = new FakeClock();
    const { fairway, app, close } = await startRig({ clock });
    cleanups.push(close);

    const executions: string[] = [];
    const inngest = new Inngest({ id: "shop" });
    const price = inngest.createFunction(
      { id: "price", triggers: [{ event: "shop/price.requested" }] },
      async ({ event, step }) => step.run("compute", () => (event.data as { qty: number }).qty * 5),
    );
    const checkout = inngest.createFunction(
      { id: "checkout", triggers: [{ event: "shop/order.created" }] },
      async ({ event, step }) => {
        const order = event.data as { orderId: string; qty: number };
        const reserved = await step.run("reserve", () => {
          executions.push("reserve");
          return { sku: "A1", qty: order.qty };
        });
        await step.sleep("cool-off", "1h");
        const paid = await step.waitForEvent("payment", {
          event: "shop/order.paid",
          timeout: "1d",
          match: "data.orderId",
        });
        const total = await step.invoke("price", { function: price, data: { qty: reserved.qty } });
        const [email, sms] = await Promise.all([
          step.run("email", () => {
            executions.push("email");
            return "emailed";
          }),
          step.run("sms", () => {
            executions.push("sms");
            return "texted";
          }),
        ]);
        return { reserved, paidBy: (paid?.data as { by?: string } | undefined)?.by, total, email, sms };
      },
    );
    app.use(serve({ client: inngest, functions: [checkout, price] }));

    const sync = await syncApp(app.url);
    expect(sync.status).toBe(200);
    expect(
      fairway.server.inngest
        .list()
        .map((fn) => fn.id)
        .sort(),
    ).toEqual(["shop-checkout", "shop-price"]);

    const { ids } = await inngest.send({ name: "shop/order.created", data: { orderId: "o1", qty: 3 } });
    expect(ids).toHaveLength(1);
    const run = await until(async () => {
      const { runs } = await fairway.client.listRuns({ functionId: "shop-checkout" });
      return runs[0]?.status === "sleeping" ? runs[0] : undefined;
    });
    expect(executions).toEqual(["reserve"]);

    await clock.advance("1h");
    await until(async () => (await fairway.client.getRun(run.id))?.status === "waiting");
    // Another order's payment does not match; this one's does.
    await inngest.send({ name: "shop/order.paid", data: { orderId: "other", by: "card" } });
    await inngest.send({ name: "shop/order.paid", data: { orderId: "o1", by: "wallet" } });
    const done = await until(async () => {
      const current = await fairway.client.getRun(run.id);
      return current?.status === "completed" ? current : undefined;
    });
    expect(done.output).toEqual({
      reserved: { sku: "A1", qty: 3 },
      paidBy: "wallet",
      total: 15,
      email: "emailed",
      sms: "texted",
    });
    expect(executions.sort()).toEqual(["email", "reserve", "sms"]);
    const steps = (await fairway.client.getRunSteps(run.id)).map((step) => step.id);
    expect(steps).toEqual(
      expect.arrayContaining(["reserve", "cool-off", "payment", "price", "email", "sms"]),
    );
    const invoked = await fairway.client.listRuns({ functionId: "shop-price" });
    expect(invoked.runs.map((child) => [child.status, child.output])).toEqual([["completed", 15]]);
  });
});
