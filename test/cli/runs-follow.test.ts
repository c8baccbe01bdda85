import { type ChildProcess, spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Fairway } from "../../src/fairway.js";
import { createServer, type FairwayServer } from "../../src/server/index.js";
import { memoryLogger } from "../server/helpers/test-server.js";

const launcher = join(import.meta.dirname, "../../src/cli/fairway.mjs");
const env: NodeJS.ProcessEnv = { ...process.env, FAIRWAY_CLI_SOURCE: "1" };
delete env.FAIRWAY_SIGNING_KEY;
delete env.FAIRWAY_EVENT_KEYS;

let follow: ChildProcess | undefined;
let server: FairwayServer | undefined;
afterEach(async () => {
  if (follow && follow.exitCode === null) {
    follow.kill("SIGKILL");
    await new Promise((resolve) => follow!.once("exit", resolve));
  }
  await server?.close();
});

/** An open server with one function on `port` (0: any). */
async function serve(port: number): Promise<{ server: FairwayServer; port: number }> {
  const fairway = new Fairway({ id: "follow-app", store: "memory", logger: memoryLogger() });
  fairway.createFunction({ id: "noop" }, { event: "app/noop" }, async () => "done");
  const created = createServer({ client: fairway, auth: { open: true }, logger: memoryLogger() });
  const address = await new Promise<AddressInfo>((resolve) =>
    created.listen(port, "127.0.0.1", () => resolve(created.address() as AddressInfo)),
  );
  return { server: created, port: address.port };
}

describe("fairway runs --follow", { timeout: 60_000 }, () => {
  it("outlives a server restart: says it reconnects, then shows runs of the new server", async () => {
    const first = await serve(0);
    server = first.server;
    const url = `http://127.0.0.1:${first.port}`;
    follow = spawn(process.execPath, [launcher, "runs", "--follow", "--url", url], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const waitFor = (read: () => string, pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const check = () => pattern.test(read()) && resolve();
        follow!.stdout!.on("data", check);
        follow!.stderr!.on("data", check);
        follow!.once("exit", (code) => reject(new Error(`exited ${code}: ${stdout} ${stderr}`)));
        check();
      });
    follow.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    follow.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await waitFor(() => stdout, /^RUN\s+FUNCTION/m);

    await server.close();
    await waitFor(() => stderr, /reconnecting/);
    server = (await serve(first.port)).server;
    await waitFor(() => stderr, /reconnected/);
    const sent = await fetch(`${url}/api/events`, { method: "POST", body: '{"name":"app/noop"}' });
    const [id] = ((await sent.json()) as { ids: string[] }).ids;
    expect(id).toBeDefined();
    await waitFor(() => stdout, /noop\s+completed/);

    follow.kill("SIGINT");
    expect(await new Promise((resolve) => follow!.once("exit", resolve))).toBe(0);
  });
});
