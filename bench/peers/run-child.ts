/**
 * Runs one scenario of one peer in a child process of its own (`child.ts`, through tsx from this
 * package's install) and returns the JSON of its `RESULT` line. Used by `run.ts` and by
 * `bench/fairness-workers.ts` (DBOS next to Fairway's workers).
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * `child.ts` with `args` (e.g. `["dbos", "s1", "full"]`); resolves with its result, or rejects with the
 * child's stderr when it exits non-zero or prints no result (its stderr is shown only then).
 */
export function runChild(args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "child.ts"), ...args], {
      cwd: here,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) => {
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
      if (code === 0 && line) resolve(JSON.parse(line.slice("RESULT ".length)));
      else reject(new Error(`child ${args.join(" ")} exited with ${code}:\n${stderr.trim()}`));
    });
  });
}
