/**
 * Production mode and syncing: with a signing key the SDK (not in dev mode) must authenticate its sync and
 * verifies Fairway's signed calls; a wrong key is refused. `inngest.appUrls` (`fairway dev -u`) syncs the
 * app after `listen`, and again when it comes back on another port.
 */
import { randomBytes } from "node:crypto";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashedSigningKey, signatureHeader } from "../../src/inngest/signing.js";
import { startAppServer, startFairway, syncApp, until } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

function prodEnv(origin: string, signingKey: string, eventKey: string): void {
  vi.stubEnv("INNGEST_DEV", "0");
  vi.stubEnv("INNGEST_BASE_URL", origin);
  vi.stubEnv("INNGEST_SIGNING_KEY", signingKey);
  vi.stubEnv("INNGEST_EVENT_KEY", eventKey);
}

describe("signing keys", () => {
  it("hashes and signs as the SDK does", () => {
    // Values computed with the SDK's own helpers (inngest 4.24.0 hashSigningKey / signDataWithKey).
    expect(hashedSigningKey("signkey-test-12345678")).toBe(
      "signkey-test-b2ed992186a5cb19f6668aade821f502c1d00970dfd0e35128d51bac4649916c",
    );
    expect(signatureHeader('{"a":1}', "signkey-test-12345678", 1_700_000_000_000)).toMatch(
      /^t=1700000000&s=[0-9a-f]{64}$/,
    );
  });

  it("runs a signed app: the sync is authenticated, every call is signed, a wrong key is refused", async () => {
    const signingKey = `signkey-prod-${randomBytes(32).toString("hex")}`;
    const eventKey = randomBytes(24).toString("hex");
    const fairway = await startFairway({
      auth: { eventKeys: [eventKey], signingKey: randomBytes(24).toString("hex") },
      inngest: { signingKey },
      retryBackoffScale: 0,
    });
    cleanups.push(fairway.close);
    const app = await startAppServer();
    cleanups.push(app.close);
    prodEnv(fairway.origin, signingKey, eventKey);
    const inngest = new Inngest({ id: "vault" });
    const fn = inngest.createFunction({ id: "seal", triggers: [{ event: "vault/seal" }] }, async ({ step }) =>
      step.run("seal", () => "sealed"),
    );
    app.use(serve({ client: inngest, functions: [fn] }));
    expect(await syncApp(app.url)).toMatchObject({ status: 200 });
    await inngest.send({ name: "vault/seal", data: {} });
    const run = await until(async () => {
      const { runs } = await fairway.client.listRuns({ functionId: "vault-seal" });
      return runs[0]?.status === "completed" ? runs[0] : undefined;
    });
    expect(run.output).toBe("sealed");

    // An app with another key cannot sync.
    const other = await startAppServer();
    cleanups.push(other.close);
    vi.stubEnv("INNGEST_SIGNING_KEY", `signkey-prod-${randomBytes(32).toString("hex")}`);
    const intruder = new Inngest({ id: "intruder" });
    const evil = intruder.createFunction(
      { id: "evil", triggers: [{ event: "vault/seal" }] },
      async () => "x",
    );
    other.use(serve({ client: intruder, functions: [evil] }));
    const refused = await syncApp(other.url);
    expect(refused.status).toBe(401);
    expect(fairway.server.inngest.list().map((entry) => entry.id)).toEqual(["vault-seal"]);
  });
});

describe("syncing app URLs (fairway dev -u)", () => {
  it("syncs after listen and again when the app comes back on another URL", async () => {
    const first = await startAppServer();
    cleanups.push(first.close);
    const fairway = await startFairway({ inngest: { appUrls: [first.url], syncIntervalMs: 60_000 } });
    cleanups.push(fairway.close);
    vi.stubEnv("INNGEST_DEV", fairway.origin);
    const inngest = new Inngest({ id: "notes" });
    const fn = inngest.createFunction(
      { id: "save", triggers: [{ event: "notes/save" }] },
      async () => "saved",
    );
    // Down at first: the sync fails and is retried.
    const down = await fairway.server.syncApps();
    expect(down).toEqual([expect.objectContaining({ url: first.url, ok: false })]);
    first.use(serve({ client: inngest, functions: [fn] }));
    expect(await fairway.server.syncApps()).toEqual([expect.objectContaining({ ok: true })]);
    expect(fairway.server.inngest.list()).toEqual([
      { id: "notes-save", appName: "notes", url: `${first.url}?fnId=notes-save&stepId=step` },
    ]);
    // The app restarts elsewhere (same functions): the next sync moves its functions there.
    const second = await startAppServer();
    cleanups.push(second.close);
    second.use(serve({ client: inngest, functions: [fn] }));
    expect((await syncApp(second.url)).status).toBe(200);
    expect(fairway.server.inngest.list()[0]?.url).toBe(`${second.url}?fnId=notes-save&stepId=step`);
    await first.close();
    await inngest.send({ name: "notes/save", data: {} });
    await until(
      async () =>
        (await fairway.client.listRuns({ functionId: "notes-save" })).runs[0]?.status === "completed",
    );
  });
});
