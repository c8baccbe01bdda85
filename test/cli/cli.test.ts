import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, ApiRequestError } from "../../src/cli/api-client.js";
import { ConfigError } from "../../src/errors/config-error.js";
import { Fairway } from "../../src/fairway.js";

const run = promisify(execFile);
const launcher = join(import.meta.dirname, "../../src/cli/fairway.mjs");
const app = join(import.meta.dirname, "fixtures/app.ts");
const dir = mkdtempSync(join(tmpdir(), "fairway-cli-"));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  FAIRWAY_CLI_SOURCE: "1",
  FAIRWAY_TEST_DB: join(dir, "app.db"),
  FAIRWAY_TEST_SIGNALS: dir,
};
delete env.FAIRWAY_SIGNING_KEY;
delete env.FAIRWAY_EVENT_KEYS;

/** A failed child process as `execFile` rejects with it. */
type Failed = { code: number; stdout: string; stderr: string };
async function failed(command: Promise<unknown>): Promise<Failed> {
  try {
    await command;
  } catch (error) {
    return error as Failed;
  }
  throw new Error("expected the command to fail");
}

let dev: ChildProcess;
let url = "";
let devOutput = "";
/** What `fairway dev` wrote to stderr (its progress lines). */
let devErrors = "";

/** Resolves with the first stdout text matching `pattern` (the child prints as it goes). */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = devOutput.match(pattern);
      if (match) resolve(match);
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      devOutput += chunk.toString();
      check();
    });
    child.once("exit", (code) => reject(new Error(`fairway dev exited with ${code}: ${devOutput}`)));
    check();
  });
}

function fairway(...args: string[]) {
  return run(process.execPath, [launcher, ...args, "--url", url], { env, timeout: 30_000 });
}

beforeAll(async () => {
  dev = spawn(process.execPath, [launcher, "dev", app, "--port", "0"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  dev.stderr!.on("data", (chunk: Buffer) => {
    devErrors += chunk.toString();
  });
  const [, address] = await waitForOutput(dev, /listening on (http:\/\/\S+)[\s\S]*auth: .*\n/);
  url = address!;
}, 60_000);

afterAll(async () => {
  if (dev.exitCode === null) {
    dev.kill("SIGTERM");
    await new Promise((resolve) => dev.once("exit", resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("fairway CLI", { timeout: 60_000 }, () => {
  it("dev serves the app openly and says so", () => {
    expect(devOutput).toMatch(
      /^Fairway dev server for app "cli-app" listening on http:\/\/127\.0\.0\.1:\d+\n/m,
    );
    // Said once, on stdout: the progress lines on stderr do not repeat it.
    expect(`${devOutput}${devErrors}`.match(/listening/g)).toHaveLength(1);
    expect(devOutput).toContain(`\nstore: sqlite ${env.FAIRWAY_TEST_DB}\n`);
    expect(devOutput).toMatch(/functions: greet, slow, chat, ask/);
    expect(devOutput).toMatch(/auth: OPEN \(dev mode\)/);
  });

  it("send starts a run that runs --follow sees complete, and runs lists", async () => {
    const follow = spawn(process.execPath, [launcher, "runs", "--follow", "--url", url], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let followed = "";
    const completed = new Promise<void>((resolve) => {
      follow.stdout!.on("data", (chunk: Buffer) => {
        followed += chunk.toString();
        if (/greet\s+completed/.test(followed)) resolve();
      });
    });
    await new Promise<void>((resolve) => follow.stdout!.once("data", () => resolve()));
    const sent = await fairway("send", "app/greet", "--data", '{"name":"Ada"}');
    expect(sent.stdout.trim()).toMatch(/^[0-9A-Z]{26}$/);
    await completed;
    follow.kill("SIGINT");
    expect(await new Promise((resolve) => follow.once("exit", resolve))).toBe(0);
    expect(followed).toMatch(/^RUN\s+FUNCTION\s+TENANT\s+STATUS/);

    const table = await fairway("runs");
    const [header, row] = table.stdout.trim().split("\n");
    expect(header).toMatch(/^RUN\s+FUNCTION\s+TENANT\s+STATUS\s+CREATED\s+START LATENCY\s+DURATION$/);
    expect(row).toMatch(/greet\s+completed/);
    const json = JSON.parse((await fairway("runs", "--json")).stdout) as Array<{ output: string }>;
    expect(json[0]!.output).toBe("Hello, Ada!");
  });

  it("sends a file of events in batches with a progress line", async () => {
    const file = join(dir, "events.jsonl");
    writeFileSync(
      file,
      `${Array.from({ length: 5 }, (_, index) => JSON.stringify({ name: `n${index}` })).join("\n")}\n`,
    );
    const result = await fairway("send", "app/greet", "--file", file, "--batch", "2");
    expect(result.stderr).toMatch(/sent 5 events/);
  });

  it("limits set, get, ls and rm an override; a bad value is one line naming the field, exit 1", async () => {
    const set = await fairway("limits", "set", "chat", "user 7", "--concurrency", "3");
    expect(set.stdout).toMatch(/^FUNCTION\s+KEY\s+CONCURRENCY\s+THROTTLE\s+RATE LIMIT\s+UPDATED\n/);
    expect(set.stdout).toMatch(/chat\s+user 7\s+3\s/);
    const got = JSON.parse((await fairway("limits", "get", "chat", "user 7", "--json")).stdout) as unknown[];
    expect(got).toEqual([
      expect.objectContaining({ functionId: "chat", key: "user 7", concurrency: { limit: 3 } }),
    ]);
    expect((await fairway("limits", "ls", "chat")).stdout).toMatch(/chat\s+user 7\s+3/);
    expect((await fairway("limits", "rm", "chat", "user 7")).stdout).toMatch(/removed/);
    const bad = await failed(fairway("limits", "set", "chat", "u1", "--concurrency", "0"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'fairway: --concurrency: must be an integer from 1 to 1000000 (received "0") [config_invalid]\n',
    );
  });

  it("usage sums token usage per tenant and model over a window, with a total line", async () => {
    await fairway("send", "app/ask", "--data", '{"user":"ada"}');
    await fairway("send", "app/ask", "--data", '{"user":"ada"}');
    await expect
      .poll(async () => JSON.parse((await fairway("usage", "--json")).stdout).rows, { timeout: 20_000 })
      .toEqual([
        {
          tenantKey: "ada",
          model: "cli-model",
          calls: 2,
          inputTokens: 240,
          outputTokens: 60,
          cachedInputTokens: 40,
        },
      ]);
    const table = (await fairway("usage", "--since", "1h", "--tenant", "ada")).stdout.trim().split("\n");
    expect(table[0]).toMatch(/^TENANT\s+MODEL\s+CALLS\s+INPUT\s+CACHED\s+OUTPUT\s+COST$/);
    expect(table[1]).toMatch(/^ada\s+cli-model\s+2\s+240\s+40\s+60$/);
    expect(table[2]).toMatch(/^TOTAL\s+2\s+240\s+40\s+60$/);
    const bad = await failed(fairway("usage", "--since", "yesterday-ish"));
    expect(bad.stderr).toMatch(/^fairway: --since: must be a duration/);
  });

  it("reports bad input and unreachable servers as one line, exit 1", async () => {
    const bad = await failed(fairway("send", "app/greet", "--data", "{oops"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^fairway: --data is not valid JSON/);
    // A number flag is checked by the CLI, not reported by the server as "received NaN".
    const limit = await failed(fairway("runs", "--limit", "abc"));
    expect(limit.code).toBe(1);
    expect(limit.stderr).toBe(
      'fairway: --limit: must be an integer from 1 to 500 (received "abc") [config_invalid]\n',
    );
    const down = await failed(
      run(process.execPath, [launcher, "runs", "--url", "http://127.0.0.1:9"], {
        env,
      }),
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the server/);
  });

  it("start refuses to run without keys, and --database-url with an app that sets its own store", async () => {
    const noKeys = await failed(run(process.execPath, [launcher, "start", app, "--port", "0"], { env }));
    expect(noKeys.code).toBe(1);
    expect(noKeys.stderr).toMatch(
      /^fairway: FAIRWAY_SIGNING_KEY \/ FAIRWAY_EVENT_KEYS: `fairway start` needs keys/,
    );
    expect(noKeys.stderr).not.toMatch(/loading/);
    const pg = await failed(
      run(process.execPath, [launcher, "start", app, "--database-url", "postgres://x"], {
        env: { ...env, FAIRWAY_SIGNING_KEY: "sk-0123456789abcdef0123" },
      }),
    );
    expect(pg.stderr).toMatch(/--database-url: the app's client sets its own store \(sqlite\)/);
    // A PostgreSQL store of the app's own (another database than the flag's) is refused too, not served.
    const own = await failed(
      run(
        process.execPath,
        [
          launcher,
          "start",
          join(import.meta.dirname, "fixtures/own-store-app.ts"),
          "--database-url",
          "postgres://flag-host/db",
        ],
        {
          env: {
            ...env,
            FAIRWAY_SIGNING_KEY: "sk-0123456789abcdef0123",
            OWN_STORE_URL: "postgres://app-host/db",
          },
        },
      ),
    );
    expect(own.code).toBe(1);
    expect(own.stderr).toMatch(
      /--database-url: the app's client sets its own store \(postgres, its URL from store\)/,
    );
  });

  it("on SIGTERM lets the executing step finish, then exits 0", async () => {
    await fairway("send", "app/slow");
    const started = join(dir, "slow-started");
    await expect.poll(() => existsSync(started), { timeout: 10_000, interval: 20 }).toBe(true);
    dev.kill("SIGTERM");
    const code = await new Promise((resolve) => dev.once("exit", resolve));
    expect(code).toBe(0);
    expect(devOutput).toMatch(/SIGTERM: stopping/);
    expect(devOutput).toMatch(/stopped/);
    const store = new Fairway({ id: "cli-app", store: join(dir, "app.db") });
    try {
      const { runs } = await store.listRuns({ functionId: "slow" });
      const steps = await store.getRunSteps(runs[0]!.id);
      expect(steps[0]).toMatchObject({ id: "work", status: "completed", output: "finished", attempts: 1 });
    } finally {
      await store.close();
    }
  });
});

let other: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (other ? other.close(resolve) : resolve(undefined)));
  other = undefined;
});

/** A server that is not Fairway: answers every request 200 with an HTML page. */
async function htmlServer(): Promise<string> {
  other = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end("<!DOCTYPE html><p>not fairway</p>");
  });
  await new Promise<void>((resolve) => other!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
}

describe("fairway --version", () => {
  it("prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const { stdout } = await run(process.execPath, [launcher, "--version"], { env });
    expect(stdout.trim()).toBe(version);
  });
});

describe("CLI against the wrong server or URL", () => {
  it("says a reply that is not Fairway's JSON comes from something else than a Fairway server", async () => {
    const client = new ApiClient({ url: await htmlServer() });
    const error = await client.request("GET", "/api/runs").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({
      status: 200,
      code: "not_fairway",
      message: expect.stringMatching(/text\/html.*is --url \(or FAIRWAY_URL\) a Fairway server\?/),
    });
  });

  it("refuses to follow a 200 reply that is not an event stream", async () => {
    const client = new ApiClient({ url: await htmlServer() });
    const messages: unknown[] = [];
    const error = await client.follow("/api/stream", (message) => messages.push(message)).catch((e) => e);
    expect(error).toMatchObject({ code: "not_fairway", message: expect.stringMatching(/text\/html/) });
  });

  it("names --url when it is not an http(s) URL", () => {
    expect(() => new ApiClient({ url: "notaurl" })).toThrow(ConfigError);
    expect(() => new ApiClient({ url: "ftp://host" })).toThrow(/--url.*http/);
  });
});

describe("fairway dev on a port that is taken", { timeout: 60_000 }, () => {
  it("exits 1 with one line naming the port, not a stack trace", async () => {
    other = createServer(() => {});
    await new Promise<void>((resolve) => other!.listen(0, "127.0.0.1", resolve));
    const port = String((other.address() as AddressInfo).port);
    const result = await run(process.execPath, [launcher, "dev", app, "--port", port], {
      env,
      timeout: 30_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({ code: 1 });
    const stderr = (result as { stderr: string }).stderr;
    expect(stderr).toMatch(new RegExp(`^fairway: port ${port} on 127\\.0\\.0\\.1 is already in use`, "m"));
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
