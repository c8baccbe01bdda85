/**
 * Crash tests: a real child process (node with the tsx loader) on a SQLite file is killed with SIGKILL at a chosen point, then a
 * new process resumes. Synchronization is by files the child writes (polled), never by sleeping a margin.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const worker = join(import.meta.dirname, "worker.ts");

const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

/** One node process running the worker through tsx's loader (so SIGKILL hits the process that does the work). */
function start(dir: string, mode: "send" | "resume"): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", worker, dir, mode], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.add(child);
  return child;
}

/** Resolves when `path` exists (polled every 10 ms); rejects if the child exits first. */
function whenFile(path: string, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (existsSync(path)) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
    child.once("exit", (code) => {
      clearInterval(timer);
      if (existsSync(path)) resolve();
      else reject(new Error(`worker exited (${code}) before ${path} appeared`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

async function kill9(child: ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await exited(child);
}

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
}

async function crashAndResume(point: "inside" | "between"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `fairway-crash-${point}-`));
  writeFileSync(join(dir, `block-${point}`), "");
  const first = start(dir, "send");
  await whenFile(join(dir, "sent"), first);
  await whenFile(join(dir, `at-${point}`), first);
  for (let n = 1; n < 8; n++) await whenFile(join(dir, `parked-${n}`), first);
  await kill9(first);
  const second = start(dir, "resume");
  expect(await exited(second)).toBe(0);
  return dir;
}

function check(dir: string, point: "inside" | "between"): void {
  const accepted = lines(join(dir, "accepted.txt"));
  expect(accepted).toHaveLength(8);
  const result = JSON.parse(readFileSync(join(dir, "result.json"), "utf8")) as Array<{
    id: string;
    eventId: string;
    status: string;
    output: number;
    n: number;
  }>;
  expect(result.map((run) => run.eventId).sort()).toEqual([...accepted].sort());
  for (const run of result) {
    expect(run.status).toBe("completed");
    expect(run.output).toBe(45 * run.n);
  }
  const counts = new Map<string, number>();
  for (const line of lines(join(dir, "effects.txt"))) counts.set(line, (counts.get(line) ?? 0) + 1);
  const crashed = result.find((run) => run.n === 0)?.id;
  for (const run of result) {
    for (let i = 0; i < 10; i++) {
      const key = `${run.id} s${i}`;
      const interrupted = point === "inside" && run.id === crashed && i === 5;
      // A step interrupted mid-flight runs again (at-least-once); a completed step never does.
      expect(counts.get(key), key).toBe(interrupted ? 2 : 1);
    }
  }
}

describe("crash recovery (kill -9 of a real process on SQLite)", () => {
  it("killed inside a step: accepted events keep their runs, completed steps never re-run, outputs right", async () => {
    const dir = await crashAndResume("inside");
    check(dir, "inside");
  }, 60_000);

  it("killed between steps: resumes after the last checkpoint", async () => {
    const dir = await crashAndResume("between");
    check(dir, "between");
  }, 60_000);
});
