import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from "../helpers/postgres.js";
import { tcpProxy } from "../helpers/tcp-proxy.js";

const launcher = join(import.meta.dirname, "../../src/cli/fairway.mjs");
const app = join(import.meta.dirname, "fixtures/postgres-app.ts");
const signingKey = "sk-cli-postgres-0123456789abcdef";
const schema = uniqueSchema("cli");
/** The test database's URL with a password, which the banner must not show (trust auth ignores it). */
const withPassword = new URL(TEST_DATABASE_URL);
if (withPassword.password === "") withPassword.password = "not-to-be-printed";
const password = withPassword.password;
const databaseUrl = `${withPassword.href}?schema=${schema}`;
const env: NodeJS.ProcessEnv = { ...process.env, FAIRWAY_CLI_SOURCE: "1", FAIRWAY_SIGNING_KEY: signingKey };
delete env.FAIRWAY_EVENT_KEYS;
delete env.DATABASE_URL;

const workers: ChildProcess[] = [];

/**
 * Starts `fairway start --database-url` (the test database by default) on a free port; resolves with its URL
 * and its output (read live) once its banner is out.
 */
function startWorker(url = databaseUrl): Promise<{ child: ChildProcess; url: string; output: string }> {
  const child = spawn(
    process.execPath,
    [launcher, "start", app, "--port", "0", "--host", "127.0.0.1", "--database-url", url],
    {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  workers.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)\n[\s\S]*functions: .*\n/.exec(output);
      // `output` reads what the worker printed so far, later lines included.
      if (match?.[1])
        resolve({
          child,
          url: match[1],
          get output() {
            return output;
          },
        });
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => reject(new Error(`fairway start exited with ${code}: ${output}`)));
  });
}

async function api(url: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${signingKey}`, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

afterAll(async () => {
  await Promise.all(
    workers.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  await dropSchema(schema);
});

describe("fairway start --database-url", () => {
  it("two workers serve one app on one PostgreSQL database: both accept events, all runs complete, both see all runs", async () => {
    const [a, b] = await Promise.all([startWorker(), startWorker()]);
    // The banner names the store once, without the password.
    const location = `${withPassword.protocol}//${withPassword.username}:***@${withPassword.host}${withPassword.pathname}`;
    expect(a.output).toContain(`\nstore: postgres ${location} (schema "${schema}")\n`);
    expect(a.output).not.toContain(password);
    expect(a.output.match(/listening/g)).toHaveLength(1);
    for (let n = 0; n < 6; n++)
      await api(n % 2 === 0 ? a.url : b.url, "/api/events", { name: "app/double", data: { n } });
    type Listed = { runs: Array<{ status: string; output?: { n: number; pid: number } }> };
    const completed = async (url: string) =>
      ((await api(url, "/api/runs?function=double&limit=100")) as Listed).runs.filter(
        (run) => run.status === "completed",
      );
    await expect
      .poll(async () => (await completed(a.url)).length, { timeout: 20_000, interval: 100 })
      .toBe(6);
    const runs = await completed(b.url);
    expect(runs.map((run) => run.output?.n).sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual([0, 2, 4, 6, 8, 10]);
    expect(new Set(runs.map((run) => run.output?.pid))).toEqual(new Set([a.child.pid, b.child.pid]));
  });

  it("serves while the database is not reachable yet: health answers 503, then the start succeeds once it is", async () => {
    const database = new URL(TEST_DATABASE_URL);
    const proxy = await tcpProxy({ host: database.hostname, port: Number(database.port || 5432) });
    await proxy.down();
    try {
      const viaProxy = new URL(databaseUrl);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      const worker = await startWorker(viaProxy.href);
      const health = async () => (await fetch(`${worker.url}/api/health`)).status;
      await expect.poll(() => /store: not reachable yet/.test(worker.output), { timeout: 10_000 }).toBe(true);
      expect(worker.output).not.toContain(password);
      expect(await health()).toBe(503);
      await proxy.up();
      // The server's own start retries (after 1 s, 2 s …) find the database.
      await expect.poll(health, { timeout: 20_000, interval: 100 }).toBe(200);
      await api(worker.url, "/api/events", { name: "app/double", data: { n: 21 } });
      type Listed = { runs: Array<{ status: string; output?: { n: number } }> };
      await expect
        .poll(
          async () =>
            ((await api(worker.url, "/api/runs?function=double&limit=100")) as Listed).runs.some(
              (run) => run.status === "completed" && run.output?.n === 42,
            ),
          { timeout: 20_000, interval: 100 },
        )
        .toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("rejects a URL that is not postgres://", async () => {
    const child = spawn(process.execPath, [launcher, "start", app, "--database-url", "mysql://x/y"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/--database-url: must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });
});
