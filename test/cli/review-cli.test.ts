import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, ApiRequestError } from "../../src/cli/api-client.js";
import { ConfigError } from "../../src/errors/config-error.js";

const run = promisify(execFile);
const launcher = join(import.meta.dirname, "../../src/cli/fairway.mjs");
const app = join(import.meta.dirname, "fixtures/app.ts");
const env: NodeJS.ProcessEnv = { ...process.env, FAIRWAY_CLI_SOURCE: "1" };
delete env.FAIRWAY_SIGNING_KEY;
delete env.FAIRWAY_EVENT_KEYS;

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
