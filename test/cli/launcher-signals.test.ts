import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const launcher = join(root, "src/cli/fairway.mjs");
const app = join(root, "test/cli/fixtures/app.ts");
const env: NodeJS.ProcessEnv = { ...process.env, FAIRWAY_CLI_SOURCE: "1" };
delete env.FAIRWAY_SIGNING_KEY;
delete env.FAIRWAY_EVENT_KEYS;
delete env.FAIRWAY_TEST_DB;

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/**
 * Runs `npm <args>` in `cwd`: the real process tree npm → sh -c → node, as `npx fairway dev` and
 * `npm start` make it. Resolves with npm's process and the port the app printed (`listening`'s group 1).
 */
async function npm(
  args: string[],
  cwd: string,
  listening: RegExp,
): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn("npm", args, {
    cwd,
    env: { ...env, FAIRWAY_TEST_SIGNALS: cwd },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(listening);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    child.once("exit", (code) => reject(new Error(`npm exited with ${code}: ${output}`)));
  });
  return { child, port, output: () => output };
}

/** A temp package whose script `go` is `script`. */
function packageWith(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fairway-npm-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "launch", private: true, scripts: { go: script } }),
  );
  return dir;
}

/** True while something accepts connections on 127.0.0.1:`port`. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("killing the npm process that launched the app frees its port", () => {
  it.each(["SIGTERM", "SIGKILL"] as const)(
    "fairway dev under npm (npm → sh → node), npm gets %s: the app stops gracefully",
    async (signal) => {
      const dir = packageWith(`node ${launcher} dev ${app} --port 0`);
      const { child, port, output } = await npm(
        ["run", "go"],
        dir,
        /listening on http:\/\/127\.0\.0\.1:(\d+)/,
      );
      expect(await accepting(port)).toBe(true);
      child.kill(signal);
      await expect.poll(() => accepting(port), { timeout: 15_000, interval: 100 }).toBe(false);
      await expect.poll(output, { timeout: 5000 }).toMatch(/npm process ended: stopping[\s\S]*stopped/);
    },
    30_000,
  );

  it("npm start -- --serve (npm → sh → tsx → node), npm gets SIGTERM: the research desk stops", async () => {
    const { child, port } = await npm(
      ["start", "--", "--serve", "--quick", "--port", "0", "--store", "memory"],
      root,
      /Serving http:\/\/localhost:(\d+)/,
    );
    expect(await accepting(port)).toBe(true);
    child.kill("SIGTERM");
    await expect.poll(() => accepting(port), { timeout: 15_000, interval: 100 }).toBe(false);
  }, 90_000);
});
