import { execFile } from "node:child_process";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Fairway } from "../../src/fairway.js";
import { createServer, type FairwayServer } from "../../src/server/index.js";
import { tempDir } from "../engine/helpers.js";
import { memoryLogger } from "../server/helpers/test-server.js";

const run = promisify(execFile);
const launcher = join(import.meta.dirname, "../../src/cli/fairway.mjs");
const env: NodeJS.ProcessEnv = { ...process.env, FAIRWAY_CLI_SOURCE: "1" };
delete env.FAIRWAY_SIGNING_KEY;
delete env.FAIRWAY_EVENT_KEYS;

let server: FairwayServer;
let url = "";

/** Sends `name` to `client` and waits for the run it starts. */
async function runOnce(client: Fairway, name: string): Promise<void> {
  await client.send({ name });
  const { runs } = await client.listRuns({ limit: 1 });
  await client.waitForRun(runs[0]!.id);
}

// Two apps on one store (as on a shared PostgreSQL schema): the server serves "served"; "other" stored runs too.
beforeAll(async () => {
  const path = join(tempDir(), "shared.db");
  const other = new Fairway({ id: "other", store: path, logger: memoryLogger() });
  other.createFunction({ id: "theirs" }, { event: "app/theirs" }, async () => "theirs");
  await runOnce(other, "app/theirs");
  await other.close();
  const served = new Fairway({ id: "served", store: path, logger: memoryLogger() });
  served.createFunction({ id: "mine" }, { event: "app/mine" }, async () => "mine");
  served.createFunction({ id: "also-mine" }, { event: "app/also" }, async () => "also");
  await runOnce(served, "app/mine");
  await runOnce(served, "app/also");
  await runOnce(served, "app/mine");
  server = createServer({ client: served, auth: { open: true }, logger: memoryLogger() });
  const address = await new Promise<AddressInfo>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server.address() as AddressInfo)),
  );
  url = `http://127.0.0.1:${address.port}`;
});

afterAll(() => server.close());

/** The function ids of `fairway runs --json` with `args`, newest first. */
async function listed(...args: string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, [launcher, "runs", "--json", "--url", url, ...args], {
    env,
    timeout: 30_000,
  });
  return (JSON.parse(stdout) as Array<{ functionId: string }>).map((row) => row.functionId);
}

describe("fairway runs on a store other apps share", { timeout: 60_000 }, () => {
  it("lists the server's app's runs, newest first across its functions; --all-apps lists every run", async () => {
    expect(await listed()).toEqual(["mine", "also-mine", "mine"]);
    expect(await listed("-n", "2")).toEqual(["mine", "also-mine"]);
    expect(await listed("--all-apps")).toEqual(["mine", "also-mine", "mine", "theirs"]);
    expect(await listed("--function", "also-mine")).toEqual(["also-mine"]);
  });
});
