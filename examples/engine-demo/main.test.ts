import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runDemo } from "./demo.js";

describe("engine demo", () => {
  it("runs every function to completion on SQLite", async () => {
    const lines: string[] = [];
    const result = await runDemo(mkdtempSync(join(tmpdir(), "fairway-demo-")), (line) => lines.push(line));
    expect(result.runs.map((run) => [run.functionId, run.status])).toEqual([
      ["order-fulfilment", "completed"],
      ["welcome-email", "completed"],
      ["charge-card", "completed"],
    ]);
    const order = result.runs[0];
    expect(order?.output).toMatchObject({
      orderId: 42,
      tracking: "TRACK-42",
      charge: { chargeId: "ch_42", amount: 1999 },
    });
    expect(order?.steps.map((step) => step.id)).toEqual([
      "reserve-stock",
      "cool-off",
      "payment",
      "charge",
      "ship",
    ]);
    expect(result.runs[2]?.steps[0]).toMatchObject({
      id: "call-payment-api",
      attempts: 2,
      status: "completed",
    });
    expect(lines.join("\n")).toContain("output:");
  });

  it("`npm run demo:engine` (main.ts) exits 0 and prints the runs", () => {
    const loader = pathToFileURL(join(process.cwd(), "node_modules", "tsx", "dist", "loader.mjs")).href;
    const child = spawnSync(process.execPath, ["--import", loader, join(import.meta.dirname, "main.ts")], {
      cwd: mkdtempSync(join(tmpdir(), "fairway-demo-cwd-")),
      encoding: "utf8",
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toContain("order-fulfilment");
  });
});
