/**
 * Test helper: runs an example's `main.ts` in a child Node process through tsx, as `npx tsx main.ts` does,
 * without blocking the test's event loop (so a fake provider server in the test can answer it). Provider
 * keys of the caller's environment are removed unless `env` sets them, so an example runs offline by default.
 *
 * @module
 */
import { execFile } from "node:child_process";

/** What the example printed and how it exited. */
export interface ExampleOutput {
  code: number;
  stdout: string;
  stderr: string;
}

const providerVariables = [
  "FAIRWAY_BASE_URL",
  "FAIRWAY_MODEL",
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "GEMINI_API_KEY",
  "XAI_API_KEY",
];

/** The `--import` flag value that loads tsx. */
export function tsxLoader(): string {
  return import.meta.resolve("tsx");
}

/** The environment for a child example: the caller's, minus provider variables, plus `env`. */
export function exampleEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of providerVariables) delete base[name];
  return { ...base, ...env };
}

/**
 * Runs `node --import tsx <main> ...args` and resolves when it exits (it never rejects on a non-zero exit:
 * `code` says how it ended).
 *
 * @param options.timeoutMs kills the child after this long, in ms (default 120 000).
 */
export function runExample(
  main: string,
  options: { args?: string[]; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<ExampleOutput> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", tsxLoader(), main, ...(options.args ?? [])],
      {
        cwd: options.cwd ?? process.cwd(),
        env: exampleEnv(options.env),
        timeout: options.timeoutMs ?? 120_000,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
