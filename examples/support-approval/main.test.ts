import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Model } from "../../src/index.js";
import { createServer } from "../../src/server/index.js";
import { exampleEnv, runExample, tsxLoader } from "../shared/run-example.js";
import { offlineSupport } from "./offline-support.js";
import { createSupportApp, DECISION_EVENT, TICKET_EVENT, type TicketOutcome } from "./support-app.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** The offline model, counting its calls. */
function countingModel(): Model & { calls: number } {
  const model = offlineSupport();
  const counted = { format: model.format, modelName: model.modelName, calls: 0, generate: model.generate };
  counted.generate = (request) => {
    counted.calls++;
    return model.generate(request);
  };
  return counted;
}

/** Waits for the run of `functionId` to reach `status`. */
async function waitForStatus(app: ReturnType<typeof createSupportApp>, status: string): Promise<string> {
  for (;;) {
    const { runs } = await app.fairway.listRuns({ functionId: app.ticket.id });
    if (runs[0]?.status === status) return runs[0].id;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts main.ts; resolves when its output contains `text`, with the output so far. */
function startMain(args: string[]): { child: ChildProcess; until(text: string): Promise<string> } {
  const child = spawn(
    process.execPath,
    ["--import", tsxLoader(), join(import.meta.dirname, "main.ts"), ...args],
    {
      env: exampleEnv(),
    },
  );
  children.push(child);
  let output = "";
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.splice(0)) waiter();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const until = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (output.includes(text)) resolve(output);
        else if (child.exitCode !== null) reject(new Error(`main.ts exited ${child.exitCode}:\n${output}`));
        else waiters.push(check);
      };
      child.once("exit", check);
      check();
    });
  return { child, until };
}

describe("support agent with a human in the loop", () => {
  it("waits for approval with step.waitForEvent, survives a restart, is approved over the event API, and repeats no model or tool call", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "fairway-support-")), "support.db");
    const first = countingModel();
    const before = createSupportApp({ model: first, store: db, logger: silent });
    await before.fairway.send({
      name: TICKET_EVENT,
      id: "T-7",
      data: { ticketId: "T-7", userId: "bob", message: "Order 1001 arrived damaged, I want a refund." },
    });
    const runId = await waitForStatus(before, "waiting");
    expect(first.calls).toBe(2); // lookup_order, then refund_order (now waiting)
    await before.fairway.close();

    const second = countingModel();
    const after = createSupportApp({ model: second, store: db, logger: silent });
    await after.fairway.start();
    // A decision for another ticket does not resolve this wait.
    await after.fairway.send({ name: DECISION_EVENT, data: { ticketId: "T-8", approved: false } });
    // Approve the way the dashboard's "Send event" form does: POST /api/events with { name, data }.
    const server = createServer({ functions: [after.ticket], logger: silent });
    const sent = await server.fetch(
      new Request("http://localhost/api/events", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: DECISION_EVENT,
          data: { ticketId: "T-7", approved: true, by: "carol" },
        }),
      }),
    );
    expect(sent.status).toBe(200);
    const outcome = (await after.fairway.waitForRun(runId)) as TicketOutcome;
    expect(outcome.refund).toMatchObject({ refunded: true, by: "carol", receipt: { refundId: "rf_T-7" } });
    expect(outcome.answer).toContain(
      "Your refund of $129.00 for the Trail running shoes (order 1001) is approved.",
    );
    expect(second.calls).toBe(1); // only the final answer: the stored calls were not repeated
    const steps = (await after.fairway.getRunSteps(runId)).map((step) => step.id);
    expect(steps.filter((id) => id.endsWith("lookup_order"))).toHaveLength(1);
    expect(steps.filter((id) => id.endsWith("issue-refund"))).toHaveLength(1);
    await server.close();
  });

  it("main.ts: killed while waiting, started again, and denied from the CLI", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "fairway-support-main-")), "support.db");
    const args = ["--db", db, "--port", "0", "--ticket", "T-9"];
    const first = startMain(args);
    expect(await first.until("→ Send event")).toContain("offline, not an LLM");
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const second = startMain(args);
    const output = await second.until("→ Send event");
    const url = /--url (http:\/\/127\.0\.0\.1:\d+)/.exec(output.split("is waiting")[1] ?? "")?.[1];
    expect(url).toBeDefined();
    const cli = await runExample(join(process.cwd(), "src", "cli", "fairway.mjs"), {
      args: [
        "send",
        DECISION_EVENT,
        "--url",
        url!,
        "-d",
        JSON.stringify({ ticketId: "T-9", approved: false, by: "dan" }),
      ],
      env: { FAIRWAY_CLI_SOURCE: "1" },
    });
    expect(cli.code).toBe(0);
    const final = await second.until("answer:");
    expect(final).toContain("refund: not given (denied)");
    expect(final).toContain("the refund for order 1001 was not approved (denied)");
    await new Promise((resolve) =>
      second.child.exitCode === null ? second.child.once("exit", resolve) : resolve(null),
    );
    expect(second.child.exitCode).toBe(0);
  });
});
