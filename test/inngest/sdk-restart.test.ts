import type { AddressInfo } from "node:net";
/**
 * Durability of an SDK function's runs across a Fairway restart (SQLite file): a run sleeping when the
 * server stops waits, after the restart, for its function to be synced again, then resumes after the
 * sleep without running its finished step again.
 */
import { join } from "node:path";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Fairway } from "../../src/index.js";
import { createServer } from "../../src/server/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { tempDir } from "../engine/helpers.js";
import { sdkDevEnv, silent, startAppServer, syncApp, until } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

async function serveFairway(file: string, clock: FakeClock) {
  const client = new Fairway({ id: "durable", store: file, clock, logger: silent });
  const server = createServer({ client, auth: { open: true }, logger: silent, dashboard: false });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
  return { client, server, origin: `http://127.0.0.1:${port}` };
}

describe("SDK runs across a Fairway restart", () => {
  it("a sleeping run resumes once the app syncs into the restarted server; finished steps do not run again", async () => {
    const file = join(tempDir(), "fairway.db");
    const clock = new FakeClock();
    const app = await startAppServer();
    cleanups.push(app.close);
    const executions: string[] = [];

    const first = await serveFairway(file, clock);
    sdkDevEnv(first.origin);
    const makeApp = () => {
      const inngest = new Inngest({ id: "mail" });
      const fn = inngest.createFunction(
        { id: "remind", triggers: [{ event: "mail/remind" }] },
        async ({ step }) => {
          await step.run("draft", () => executions.push("draft"));
          await step.sleep("later", "1d");
          await step.run("send", () => executions.push("send"));
          return "sent";
        },
      );
      app.use(serve({ client: inngest, functions: [fn] }));
      return inngest;
    };
    const inngest = makeApp();
    await syncApp(app.url);
    await inngest.send({ name: "mail/remind", data: {} });
    const runId = await until(async () => {
      const { runs } = await first.client.listRuns({ functionId: "mail-remind" });
      return runs[0]?.status === "sleeping" ? runs[0].id : undefined;
    });
    await first.server.close();

    const second = await serveFairway(file, clock);
    cleanups.push(() => second.server.close());
    await second.client.start();
    await clock.advance("1d");
    expect((await second.client.getRun(runId))?.status).not.toBe("completed");
    sdkDevEnv(second.origin);
    makeApp();
    expect((await syncApp(app.url)).status).toBe(200);
    await until(async () => (await second.client.getRun(runId))?.status === "completed");
    expect((await second.client.getRun(runId))?.output).toBe("sent");
    expect(executions).toEqual(["draft", "send"]);
  });
});
