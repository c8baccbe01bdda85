/**
 * `fairway dev -u <url>` with no app module: Fairway serves on its own (here on an ephemeral port), syncs
 * the SDK app at the URL (again every 5 s, so an app that starts later is picked up), and runs its
 * functions. `fairway dev` with neither an app nor `-u` says what to give.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { spawnCollecting, startAppServer, until } from "../inngest/helpers.js";

const launcher = join(import.meta.dirname, "../../src/cli/fairway.mjs");
const env: NodeJS.ProcessEnv = { ...process.env, FAIRWAY_CLI_SOURCE: "1" };
delete env.FAIRWAY_SIGNING_KEY;
delete env.FAIRWAY_EVENT_KEYS;
delete env.INNGEST_SIGNING_KEY;
delete env.INNGEST_EVENT_KEY;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

describe("fairway dev -u", () => {
  it("syncs an Inngest SDK app by URL and runs its functions", async () => {
    const app = await startAppServer();
    cleanups.push(app.close);
    const cwd = mkdtempSync(join(tmpdir(), "fairway-dev-u-"));
    const dev = spawnCollecting(process.execPath, [launcher, "dev", "-u", app.url, "-p", "0"], { cwd, env });
    cleanups.push(dev.stop);
    const origin = await until(() => dev.output().match(/listening on (http:\/\/[\d.]+:\d+)/)?.[1], 30_000);
    await until(() => dev.output().includes(`inngest app: ${app.url}`));

    // The app comes up after the server (its SDK needs the server's URL): the next periodic sync finds it.
    vi.stubEnv("INNGEST_DEV", origin);
    const inngest = new Inngest({ id: "late" });
    const greet = inngest.createFunction(
      { id: "greet", triggers: [{ event: "late/greet" }] },
      async ({ event, step }) => step.run("hello", () => `hello ${(event.data as { name: string }).name}`),
    );
    app.use(serve({ client: inngest, functions: [greet] }));
    await until(
      async () => (await fetch(`${origin}/api/functions`)).text().then((text) => text.includes("late-greet")),
      15_000,
    );

    await inngest.send({ name: "late/greet", data: { name: "Ada" } });
    const run = await until(async () => {
      const body = (await (await fetch(`${origin}/api/runs?function=late-greet`)).json()) as {
        runs: { status: string; output?: unknown }[];
      };
      return body.runs[0]?.status === "completed" ? body.runs[0] : undefined;
    }, 15_000);
    expect(run.output).toBe("hello Ada");
  }, 40_000);

  it("fairway start -u needs keys: without any it says which, before serving anything", async () => {
    const run = promisify(execFile);
    const failure = await run(process.execPath, [launcher, "start", "-u", "http://127.0.0.1:9/api/inngest"], {
      env,
    }).catch((error: { stderr: string }) => error);
    expect((failure as { stderr: string }).stderr).toContain("`fairway start` needs keys");
  });

  it("asks for an app module or -u when given neither", async () => {
    const run = promisify(execFile);
    const failure = await run(process.execPath, [launcher, "dev"], { env }).catch(
      (error: { stderr: string }) => error,
    );
    expect((failure as { stderr: string }).stderr).toContain(
      "give an app module, or the URL of an Inngest SDK app with -u <url>",
    );
  });
});
