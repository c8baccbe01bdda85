import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const fixture = join(import.meta.dirname, "fixtures", "crash-network.ts");

function start(
  db: string,
  log: string,
  phase: "1" | "2",
): { child: ChildProcess; lines: AsyncIterable<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, db, log, phase], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  async function* lines() {
    let buffer = "";
    for await (const chunk of child.stdout!) {
      buffer += String(chunk);
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        yield buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
    }
  }
  return { child, lines: lines() };
}

async function firstLine(lines: AsyncIterable<string>, prefix: string): Promise<string> {
  for await (const line of lines) if (line.startsWith(prefix)) return line;
  throw new Error(`child exited before printing "${prefix}"`);
}

describe("crash recovery of a 3-agent network", () => {
  it("after kill -9 following the first tool call, the restarted run completes with zero repeated model, tool or router calls", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fairway-agents-crash-"));
    const db = join(dir, "fairway.db");
    const log = join(dir, "calls.log");
    writeFileSync(log, "");

    const first = start(db, log, "1");
    await firstLine(first.lines, "blocked"); // A's model call and tool call are checkpointed; B's model call is in flight
    const exited = new Promise((resolve) => first.child.once("exit", resolve));
    first.child.kill("SIGKILL");
    await exited;
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      "router 0",
      "model A",
      "tool fetch",
      "router 1",
    ]);

    const second = start(db, log, "2");
    const done = await firstLine(second.lines, "done ");
    expect(JSON.parse(done.slice(5))).toEqual([
      ["A", { data: "facts about tides" }],
      ["B", { data: "summary of facts about tides" }],
      ["C"],
    ]);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      "router 0",
      "model A",
      "tool fetch",
      "router 1",
      "model B",
      "tool summarize",
      "router 2",
      "model C",
      "router 3",
    ]);
  });
});
