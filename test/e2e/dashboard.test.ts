import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors/index.js";
import { Fairway } from "../../src/fairway.js";
import { createServer, type FairwayServer, type ServerAuthOptions } from "../../src/server/index.js";
import { MemoryStore } from "../../src/store/memory/index.js";
import { supportDesk } from "../server/helpers/support-desk.js";
import { memoryLogger, SIGNING_KEY } from "../server/helpers/test-server.js";
import { launchChromium } from "./helpers/chromium.js";

const artifacts = join(import.meta.dirname, "../artifacts");
let browser: Browser;
let server: FairwayServer;
let url = "";
const pageErrors: string[] = [];

beforeAll(async () => {
  const logger = memoryLogger();
  const fairway = new Fairway({ id: "dashboard-app", store: "memory", retryBackoffScale: 0.001, logger });
  let attempts = 0;
  const greet = fairway.createFunction(
    { id: "greet", name: "Greet a user", concurrency: { limit: 2, key: "event.data.userId" } },
    { event: "app/greet" },
    async ({ event, step }) => {
      const name = await step.run("load-user", () => String(event.data.name));
      await step.run("flaky-call", () => {
        if (attempts++ === 0) throw new Error("upstream hiccup");
        return "ok";
      });
      await step.sleep("short-pause", "20ms");
      return step.run("compose", () => `Hello, ${name}!`);
    },
  );
  const limited = fairway.createFunction(
    { id: "limited", rateLimit: { limit: 1, period: "1h" } },
    { event: "app/limited" },
    async () => "ran",
  );
  server = createServer({
    client: fairway,
    functions: [greet, limited],
    networks: [
      supportDesk([
        { inputTokens: 31, outputTokens: 9 },
        { inputTokens: 52, outputTokens: 8 },
      ]),
    ],
    logger,
    auth: { open: true },
  });
  const address = await new Promise<{ port: number }>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server.address() as AddressInfo)),
  );
  url = `http://127.0.0.1:${address.port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.goto(url);
  return page;
}

describe("dashboard in Chromium", { timeout: 60_000 }, () => {
  it("sends an event from the form, shows the run complete live, and renders its timeline", async () => {
    const page = await open();
    await expect.poll(() => page.textContent("#mode")).toMatch(/open \(dev mode/);
    await expect.poll(() => page.textContent("#live")).toBe("live");
    expect(await page.isVisible("#unready")).toBe(false);

    await page.click('nav a[data-tab="send"]');
    await page.fill('#send-form input[name="name"]', "app/greet");
    await page.fill('#send-form textarea[name="data"]', '{ "name": "Ada", "userId": "user-7" }');
    await page.click('#send-form button[type="submit"]');
    await page.waitForSelector("#sent");
    expect(await page.textContent("#sent")).toMatch(/Sent\. Event ids: [0-9A-Z]{26}/);
    await page.click("#see-runs");

    const row = page.locator('#run-table tr.run[data-status="completed"]');
    await row.first().waitFor();
    await row.first().click();
    await page.waitForSelector('#run-detail li.step[data-step-id="compose"].step-completed');
    const steps = await page.$$eval("#run-detail li.step", (items) =>
      items.map((item) => ({ id: (item as HTMLElement).dataset.stepId, text: item.textContent ?? "" })),
    );
    expect(steps.map((step) => step.id)).toEqual(["load-user", "flaky-call", "short-pause", "compose"]);
    expect(steps[1]!.text).toMatch(/2 attempts/);
    expect(steps[2]!.text).toMatch(/sleep/);
    expect(await page.textContent("#run-detail")).toContain("Hello, Ada!");

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "dashboard-run.png"), fullPage: true });

    await page.click('nav a[data-tab="functions"]');
    await page.waitForSelector('#function-table tr[data-function-id="greet"]');
    expect(await page.textContent('#function-table tr[data-function-id="greet"]')).toMatch(
      /event\.data\.userId/,
    );

    await page.click('nav a[data-tab="tenants"]');
    await page.waitForSelector('#tenant-table tr[data-key="user-7"]');
    await page.screenshot({ path: join(artifacts, "dashboard-tenants.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("shows a network run's agent messages, tool calls and routing in the timeline", async () => {
    const page = await open();
    await page.click('nav a[data-tab="send"]');
    await page.fill('#send-form input[name="name"]', "dashboard-app/network-support-desk");
    await page.fill(
      '#send-form textarea[name="data"]',
      '{ "input": "Where is my order?", "threadId": "t-1", "userId": "user-7" }',
    );
    await page.click('#send-form button[type="submit"]');
    await page.waitForSelector("#sent");
    await page.click("#see-runs");
    const row = page.locator('#run-table tr.run[data-status="completed"]', {
      hasText: "network-support-desk",
    });
    await row.first().click();
    await page.waitForSelector("#run-detail li.step >> text=Your order o-1 has shipped.");
    const labels = await page.$$eval("#run-detail li.step .op", (items) =>
      items.map((item) => item.textContent),
    );
    expect(labels).toEqual(["route", "inference", "tool call", "route", "inference", "route"]);
    const detail = (await page.textContent("#run-detail")) ?? "";
    expect(detail).toContain("lookup_order");
    expect(detail).toContain('"status": "shipped"');
    expect(detail).toContain("→ Triage");
    expect(detail).toMatch(/tokens: inputTokens 31, outputTokens 9/);
    await page.screenshot({ path: join(artifacts, "dashboard-network.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("asks for the signing key when keys are required, and works with it", async () => {
    const logger = memoryLogger();
    const fairway = new Fairway({ id: "keyed-app", store: "memory", logger });
    const fn = fairway.createFunction({ id: "keyed" }, { event: "app/keyed" }, async () => "ok");
    const keyed = createServer({
      client: fairway,
      functions: [fn],
      logger,
      auth: { signingKey: SIGNING_KEY },
    });
    const address = await new Promise<{ port: number }>((resolve) =>
      keyed.listen(0, "127.0.0.1", () => resolve(keyed.address() as AddressInfo)),
    );
    try {
      const { ids } = await fairway.send({ name: "app/keyed" });
      expect(ids).toHaveLength(1);
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`http://127.0.0.1:${address.port}/`);
      await expect.poll(() => page.textContent("#mode")).toBe("keys required");
      expect(await page.textContent("#notice")).toMatch(/Enter the signing key/);
      await page.fill("#key", SIGNING_KEY);
      await page.click('#key-form button[type="submit"]');
      await page.locator('#run-table tr.run[data-status="completed"]').first().waitFor();
      await expect.poll(() => page.textContent("#live")).toBe("live");
      await page.close();
    } finally {
      await keyed.close();
    }
  });

  /** A listening server whose store does not answer its ping (the database away), with `auth`. */
  async function unreadyServer(auth: ServerAuthOptions) {
    const store = new MemoryStore();
    store.ping = async () => {
      throw new StoreError("PostgreSQL store: ping failed: connect ECONNREFUSED 127.0.0.1:5432", {
        retryable: true,
      });
    };
    const fairway = new Fairway({ id: "unready-app", store, logger: memoryLogger() });
    const unready = createServer({ client: fairway, logger: memoryLogger(), auth });
    const address = await new Promise<{ port: number }>((resolve) =>
      unready.listen(0, "127.0.0.1", () => resolve(unready.address() as AddressInfo)),
    );
    return { unready, url: `http://127.0.0.1:${address.port}/` };
  }

  it("loads when the server is not ready and shows why (health 503), with the cause on an open server", async () => {
    const { unready, url } = await unreadyServer({ open: true });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(url);
      await expect.poll(() => page.textContent("#mode")).toMatch(/open \(dev mode/);
      expect(await page.textContent("#unready")).toBe(
        "Server not ready: the store did not answer. Cause: PostgreSQL store: ping failed: connect ECONNREFUSED 127.0.0.1:5432",
      );
      await page.close();
    } finally {
      await unready.close();
    }
  });

  it("shows a keys server's generic reason without a key, and its cause once given the signing key", async () => {
    const { unready, url } = await unreadyServer({ signingKey: SIGNING_KEY });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(url);
      await expect.poll(() => page.textContent("#mode")).toBe("keys required");
      expect(await page.textContent("#unready")).toBe("Server not ready: the store did not answer.");
      await page.fill("#key", SIGNING_KEY);
      await page.click('#key-form button[type="submit"]');
      await expect
        .poll(() => page.textContent("#unready"))
        .toBe(
          "Server not ready: the store did not answer. Cause: PostgreSQL store: ping failed: connect ECONNREFUSED 127.0.0.1:5432",
        );
      await page.close();
    } finally {
      await unready.close();
    }
  });

  it("shows why a skipped run was skipped", async () => {
    const page = await open();
    for (const label of ["first", "second"]) {
      await page.click('nav a[data-tab="send"]');
      await page.fill('#send-form input[name="name"]', "app/limited");
      await page.fill('#send-form textarea[name="data"]', `{ "label": "${label}" }`);
      await page.click('#send-form button[type="submit"]');
      await page.waitForSelector("#sent");
    }
    await page.click("#see-runs");
    const row = page.locator('#run-table tr.run[data-status="skipped"]', { hasText: "limited" });
    await row.first().click();
    await page.waitForSelector("#run-detail .skip-reason");
    expect(await page.textContent("#run-detail .skip-reason")).toMatch(/^Skipped: rateLimit/);
    expect(await page.textContent("#run-detail")).toContain("None: the run was skipped.");
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("filters runs by status", async () => {
    const page = await open();
    await page.locator("#run-table tr.run").first().waitFor();
    await page.selectOption('#run-filters select[name="status"]', "failed");
    await page.click('#run-filters button[type="submit"]');
    await expect.poll(() => page.locator("#run-table tr.run").count()).toBe(0);
    await page.selectOption('#run-filters select[name="function"]', "greet");
    await page.selectOption('#run-filters select[name="status"]', "completed");
    await page.click('#run-filters button[type="submit"]');
    await expect.poll(() => page.locator("#run-table tr.run").count()).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
