/**
 * Crash test for debounce and batching: a real child process on a SQLite file is killed with SIGKILL while a
 * debounce is pending, a batch is open and a released batch's run is executing; a new process fires each
 * entry exactly once and resumes the released run (no second run for it). Synchronization is by the
 * child's stdout lines, never by sleeping a margin.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";

const worker = join(import.meta.dirname, "fixtures", "crash-pending-worker.ts");
const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

/** Starts the worker; `lines` yields its stdout lines. */
function start(dir: string, mode: "send" | "resume") {
  const child = spawn(process.execPath, ["--import", "tsx", worker, dir, mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, lines, exited };
}

/** The next stdout line; throws if the process ends first. */
async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const { value, done } = await lines.next();
  if (done) throw new Error("worker exited early");
  return value;
}

describe("crash with a pending debounce and an open batch (kill -9 of a real process on SQLite)", () => {
  it("each entry fires once after the restart, and a batch released before the kill is not released again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fairway-crash-pending-"));
    const first = start(dir, "send");
    const seen = new Set([await nextLine(first.lines), await nextLine(first.lines)]);
    const started = [...seen].find((line) => line.startsWith("started "))?.slice("started ".length);
    expect(seen.has("sent")).toBe(true);
    expect(started).toBeDefined();
    first.child.kill("SIGKILL");
    await first.exited;

    const second = start(dir, "resume");
    const runs = JSON.parse(await nextLine(second.lines)) as Array<{
      id: string;
      fn: string;
      output: number[];
    }>;
    expect(await second.exited).toBe(0);
    const byOutput = runs
      .map((run) => [run.fn, run.output])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(byOutput).toEqual([
      ["d", [2]],
      ["b", [3, 4]],
      ["b", [5, 6, 7]],
    ]);
    expect(runs.find((run) => String(run.output) === "5,6,7")?.id).toBe(started);
  }, 60_000);
});
