/**
 * The engine demo: three durable functions on the embedded SQLite store.
 *
 * - `order-fulfilment`: reserves stock, sleeps, waits for a `payment/confirmed` event for the same order,
 *   invokes `charge-card`, and ships;
 * - `charge-card`: its first attempt fails like a flaky payment API, the retry succeeds;
 * - `welcome-email`: one step, triggered only for new users (a CEL `if` on the trigger).
 */
import { join } from "node:path";
import { Fairway, type StepRecord } from "../../src/index.js";

export interface DemoResult {
  dbPath: string;
  runs: Array<{ functionId: string; status: string; output: unknown; steps: StepRecord[] }>;
}

/** Runs the demo against a SQLite file in `dir`; `log` receives the lines to print. */
export async function runDemo(dir: string, log: (line: string) => void): Promise<DemoResult> {
  const dbPath = join(dir, "fairway.db");
  const fairway = new Fairway({ id: "engine-demo", store: dbPath, retryBackoffScale: 0.01 });
  let chargeAttempts = 0;

  const chargeCard = fairway.createFunction(
    { id: "charge-card", retries: 3 },
    { event: "card/charge" },
    async ({ event, step }) => {
      return step.run("call-payment-api", () => {
        chargeAttempts++;
        if (chargeAttempts === 1) throw new Error("payment API timed out (simulated)");
        return { chargeId: `ch_${String(event.data.orderId)}`, amount: event.data.amount, at: new Date() };
      });
    },
  );

  fairway.createFunction({ id: "order-fulfilment" }, { event: "order/created" }, async ({ event, step }) => {
    const reservation = await step.run("reserve-stock", () => ({ sku: event.data.sku, reserved: true }));
    await step.sleep("cool-off", "1s");
    const payment = await step.waitForEvent("payment", {
      event: "payment/confirmed",
      timeout: "30s",
      match: "data.orderId",
    });
    if (!payment) return { orderId: event.data.orderId, status: "cancelled: no payment" };
    const charge = await step.invoke("charge", {
      function: chargeCard,
      data: { orderId: event.data.orderId, amount: payment.data.amount },
    });
    const tracking = await step.run("ship", () => `TRACK-${String(event.data.orderId)}`);
    return { orderId: event.data.orderId, reservation, charge, tracking };
  });

  fairway.createFunction(
    { id: "welcome-email" },
    { event: "user/signed-up", if: "event.data.plan == 'free' || event.data.plan == 'pro'" },
    async ({ event, step }) => step.run("send-email", () => `Welcome, ${String(event.data.name)}!`),
  );

  log(`store: SQLite at ${dbPath}`);
  await fairway.send([
    { name: "order/created", data: { orderId: 42, sku: "kettle" } },
    { name: "user/signed-up", data: { name: "Ada", plan: "pro" } },
  ]);
  // Sent right away: the order's run is scheduled, so its waitForEvent sees this payment when it gets there.
  await fairway.send({ name: "payment/confirmed", data: { orderId: 42, amount: 1999 } });

  const result: DemoResult = { dbPath, runs: [] };
  for (const functionId of ["order-fulfilment", "welcome-email", "charge-card"]) {
    const { runs } = await fairway.listRuns({ functionId });
    for (const run of runs) {
      const output = await fairway.waitForRun(run.id, { timeoutMs: 30_000 });
      const steps = await fairway.getRunSteps(run.id);
      const final = await fairway.getRun(run.id);
      result.runs.push({ functionId, status: final?.status ?? "unknown", output, steps });
      log(`\n${functionId} (run ${run.id}): ${final?.status}`);
      for (const step of steps) {
        const took = step.endedAt === undefined ? "" : ` in ${step.endedAt - step.startedAt} ms`;
        log(
          `  step ${step.id.padEnd(16)} ${step.op.padEnd(12)} ${step.status}, ${step.attempts || 1} attempt(s)${took}`,
        );
      }
      log(`  output: ${JSON.stringify(output)}`);
    }
  }
  await fairway.close();
  return result;
}
