import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Fairway } from "../../src/fairway.js";
import { createServer, type FairwayServer } from "../../src/server/index.js";
import { memoryLogger } from "../server/helpers/test-server.js";
import { launchChromium } from "./helpers/chromium.js";

const artifacts = join(import.meta.dirname, "../artifacts");
let browser: Browser;
let server: FairwayServer;
let fairway: Fairway;
let url = "";
let releaseAll: () => void = () => {};
/** Every run of `chat` holds its slot until the suite ends. */
const held = new Promise<void>((resolve) => {
  releaseAll = resolve;
});
const pageErrors: string[] = [];

beforeAll(async () => {
  const logger = memoryLogger();
  fairway = new Fairway({ id: "tenants-app", store: "memory", logger });
  const chat = fairway.createFunction(
    { id: "chat", concurrency: { limit: 1, key: "event.data.user" } },
    { event: "app/chat" },
    () => held,
  );
  const sync = fairway.createFunction(
    {
      id: "sync",
      throttle: { limit: 1, period: "1m", key: "event.data.user" },
      rateLimit: { limit: 10, period: "1h", key: "event.data.user" },
    },
    { event: "app/sync" },
    () => "synced",
  );
  const digest = fairway.createFunction(
    { id: "digest", debounce: { period: "1s", key: "event.data.user" } },
    { event: "app/digest" },
    () => "sent",
  );
  server = createServer({ client: fairway, functions: [chat, sync, digest], logger, auth: { open: true } });
  const address = await new Promise<AddressInfo>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server.address() as AddressInfo)),
  );
  url = `http://127.0.0.1:${address.port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  releaseAll();
  await browser?.close();
  await server?.close();
});

async function open(hash: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${url}/#${hash}`);
  await expect.poll(() => page.textContent("#live")).toBe("live");
  return page;
}

const cell = (page: Page, key: string, column: string) =>
  page.textContent(`#tenant-table tr[data-key="${key}"] td.${column}`);

describe("Tenants view in Chromium", { timeout: 60_000 }, () => {
  it("updates live, shows each key's concurrency limit, and an override edited in the page raises one tenant's concurrency", async () => {
    const send = (user: string, count: number) =>
      fairway.send(Array.from({ length: count }, () => ({ name: "app/chat", data: { user } })));
    await send("heavy", 3);
    await send("light", 1);
    const page = await open("tenants");
    await page.waitForSelector('#tenant-table tr[data-key="heavy"]');
    expect([await cell(page, "heavy", "queued"), await cell(page, "heavy", "running")]).toEqual(["2", "1"]);
    expect(await cell(page, "heavy", "limit")).toBe("1");

    // Live: a new event shows up without reloading the page.
    await send("heavy", 1);
    await expect.poll(() => cell(page, "heavy", "queued")).toBe("3");

    await page.click('#tenant-table tr[data-key="heavy"] button.edit-limit');
    expect(await page.inputValue('#limit-form input[name="key"]')).toBe("heavy");
    await page.fill('#limit-form input[name="concurrency"]', "3");
    await page.click('#limit-form button[type="submit"]');
    await expect.poll(() => page.textContent("#limit-result")).toBe("Saved");
    await expect.poll(() => cell(page, "heavy", "running")).toBe("3");
    expect(await cell(page, "heavy", "limit")).toBe("3override");
    expect([await cell(page, "light", "running"), await cell(page, "light", "limit")]).toEqual(["1", "1"]);
    expect(await fairway.limits.get("chat", "heavy")).toMatchObject({ concurrency: { limit: 3 } });

    // A bad value (past the page's own checks) is refused with the server's message naming the field.
    await page.fill('#limit-form input[name="concurrency"]', "2000000");
    await page.click('#limit-form button[type="submit"]');
    await expect
      .poll(() => page.textContent("#limit-result"))
      .toMatch(/concurrency: must be an integer from 1/);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "dashboard-tenants-live.png"), fullPage: true });

    await page.click("#limit-form button#limit-remove");
    await expect.poll(() => page.textContent("#limit-result")).toBe("Removed");
    await expect.poll(() => cell(page, "heavy", "limit")).toBe("1");
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("the limit form sets and edits a key's throttle and rate-limit override, and names a bad field", async () => {
    const page = await open("tenants");
    await page.selectOption('#limit-form select[name="functionId"]', "sync");
    await page.fill('#limit-form input[name="key"]', "u1");
    await page.fill('#limit-form input[name="concurrency"]', "");
    await page.fill('#limit-form input[name="throttleLimit"]', "5");
    await page.fill('#limit-form input[name="throttlePeriod"]', "1m");
    await page.fill('#limit-form input[name="throttleBurst"]', "2");
    await page.fill('#limit-form input[name="rateLimitLimit"]', "100");
    await page.fill('#limit-form input[name="rateLimitPeriod"]', "1h");
    await page.click('#limit-form button[type="submit"]');
    await expect.poll(() => page.textContent("#limit-result")).toBe("Saved");
    const saved = await fairway.limits.get("sync", "u1");
    expect(saved).toMatchObject({
      throttle: { limit: 5, periodMs: 60_000, burst: 2 },
      rateLimit: { limit: 100, periodMs: 3_600_000 },
    });
    expect(saved?.concurrency).toBeUndefined();
    const badge = '#tenant-table tr[data-key="u1"] td.limit .badge.override';
    await expect
      .poll(() => page.getAttribute(badge, "title"))
      .toBe("throttle 5 per 60000 ms (burst 2) · rate limit 100 per 3600000 ms");

    // Editing the row fills the form with its override; a changed rate limit is saved with the throttle kept.
    await page.fill('#limit-form input[name="throttleLimit"]', "");
    await page.click('#tenant-table tr[data-key="u1"] button.edit-limit');
    expect(await page.inputValue('#limit-form input[name="throttleLimit"]')).toBe("5");
    expect(await page.inputValue('#limit-form input[name="throttlePeriod"]')).toBe("60000ms");
    expect(await page.inputValue('#limit-form input[name="rateLimitPeriod"]')).toBe("3600000ms");
    await page.fill('#limit-form input[name="rateLimitLimit"]', "50");
    await page.click('#limit-form button[type="submit"]');
    await expect
      .poll(async () => (await fairway.limits.get("sync", "u1"))?.rateLimit)
      .toEqual({ limit: 50, periodMs: 3_600_000 });
    expect((await fairway.limits.get("sync", "u1"))?.throttle).toEqual({
      limit: 5,
      periodMs: 60_000,
      burst: 2,
    });

    // A throttle period out of range is refused with the server's message naming the field.
    await page.fill('#limit-form input[name="throttlePeriod"]', "10d");
    await page.click('#limit-form button[type="submit"]');
    await expect.poll(() => page.textContent("#limit-result")).toMatch(/throttle\.period/);
    expect((await fairway.limits.get("sync", "u1"))?.throttle?.periodMs).toBe(60_000);

    await page.click("#limit-form button#limit-remove");
    await expect.poll(() => page.textContent("#limit-result")).toBe("Removed");
    expect(await fairway.limits.get("sync", "u1")).toBeUndefined();
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("the runs list shows each run's tenant and start latency, a run's time axis names the limit that held it, and the list filters by tenant", async () => {
    const page = await open("runs");
    await page.waitForSelector("#run-table tr.run");
    const tenants = await page.$$eval("#run-table tr.run td.tenant", (cells) =>
      cells.map((c) => c.textContent),
    );
    expect(new Set(tenants)).toEqual(new Set(["heavy", "light"]));
    const headers = await page.$$eval("#run-table th", (cells) => cells.map((c) => c.textContent));
    expect(headers).toEqual(["Run", "Function", "Tenant", "Status", "Created", "Start latency", "Duration"]);
    const running = page.locator('#run-table tr.run[data-status="running"] td.start-latency').first();
    expect(await running.textContent()).toMatch(/^\d+(\.\d+)? (ms|s)$/);
    // A run that waited for a slot: its time axis says which limit held it.
    const waited = (await fairway.listRuns({ functionId: "chat", concurrencyKey: "heavy" })).runs.find(
      (run) => run.waitReason !== undefined,
    );
    expect(waited?.waitReason).toBe('concurrency key "heavy" at 1/1');
    await page.click(`#run-table tr.run[data-run-id="${waited!.id}"]`);
    await expect
      .poll(() => page.textContent("#run-detail .time-axis .wait"))
      .toMatch(
        /^Start latency \d+(\.\d+)? (ms|s) \(creation to first execution\) · held by concurrency key "heavy" at 1\/1$/,
      );
    expect(await page.locator("#run-detail .axis-queued").count()).toBe(1);
    await page.screenshot({ path: join(artifacts, "dashboard-run-wait.png"), fullPage: true });

    await page.fill('#run-filters input[name="concurrencyKey"]', "light");
    await page.click('#run-filters button[type="submit"]');
    await expect
      .poll(() => page.$$eval("#run-table tr.run td.tenant", (cells) => cells.map((c) => c.textContent)))
      .toEqual(["light"]);
    await page.close();
  });

  it("a debounced run's time axis says the debounce deferred it, from the first event until its release", async () => {
    await fairway.send({ name: "app/digest", data: { user: "d1" } });
    await expect
      .poll(async () => (await fairway.listRuns({ functionId: "digest" })).runs[0]?.status, {
        timeout: 10_000,
      })
      .toBe("completed");
    const [run] = (await fairway.listRuns({ functionId: "digest" })).runs;
    const page = await open("runs");
    await page.click(`#run-table tr.run[data-run-id="${run!.id}"]`);
    await expect
      .poll(() => page.textContent("#run-detail .time-axis .wait-reason"))
      .toMatch(
        /^ · held by debounce "d1": deferred from \d{4}-\d\d-\d\dT[\d:.]+Z until \d{4}-\d\d-\d\dT[\d:.]+Z$/,
      );
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
