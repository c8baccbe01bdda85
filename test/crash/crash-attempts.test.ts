/**
 * A step that kills its process (SIGKILL) uses an attempt each time: with `retries: 2` the step fails after
 * 3 crashes with a StepCrashedError, the run fails and its onFailure runs, and the restarted app stays up
 * (no crash loop). Real child processes on one SQLite file; each restart reclaims the dead process's lease.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const worker = join(import.meta.dirname, "kill-worker.ts");

/** Runs the worker once; resolves with how it ended. */
function runWorker(dir: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", worker, dir], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

describe("a step that kills its process (real processes, SQLite)", () => {
  it("fails after retries + 1 crashes with a StepCrashedError, runs onFailure, and the app stays up", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fairway-kill-"));
    const endings: Array<NodeJS.Signals | number | null> = [];
    // A supervisor: restart the app while it dies (at most 6 times: a crash loop would hit the cap).
    for (let start = 0; start < 6; start++) {
      const { code, signal } = await runWorker(dir);
      endings.push(signal ?? code);
      if (signal === null) break;
    }
    expect(endings).toEqual(["SIGKILL", "SIGKILL", "SIGKILL", 0]);
    const result = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
    expect(result.runs).toBe(1);
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({
      code: "step_failed",
      cause: { code: "step_crashed", name: "StepCrashedError" },
    });
    expect(result.error.cause.message).toContain('Step "boom" was interrupted 3 time(s) in a row');
    expect(
      result.steps.map((step: { id: string; status: string; attempts: number }) => [
        step.id,
        step.status,
        step.attempts,
      ]),
    ).toEqual([
      ["before", "completed", 1],
      ["boom", "failed", 3],
    ]);
    expect(result.onFailure).toMatchObject({ failed: expect.any(String) });
  }, 60_000);
});
