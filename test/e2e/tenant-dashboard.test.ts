import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Fairway } from "../../src/fairway.js";
import { createServer, createTenantToken, type FairwayServer } from "../../src/server/index.js";
import { EVENT_KEY, memoryLogger, SIGNING_KEY } from "../server/helpers/test-server.js";
import { launchChromium } from "./helpers/chromium.js";

let browser: Browser;
let fairway: Fairway;
let server: FairwayServer;
let url = "";

beforeAll(async () => {
  fairway = new Fairway({ id: "tenant-app", store: "memory", logger: memoryLogger() });
  fairway.createFunction({ id: "order" }, { event: "shop/order" }, async ({ step }) =>
    step.run("charge", () => "ok"),
  );
  server = createServer({
    client: fairway,
    auth: { signingKey: SIGNING_KEY, eventKeys: [EVENT_KEY] },
    logger: memoryLogger(),
  });
  const address = await new Promise<{ port: number }>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server.address() as AddressInfo)),
  );
  url = `http://127.0.0.1:${address.port}`;
  await fairway.send([
    { name: "shop/order", data: { userId: "u1", item: "mine" } },
    { name: "shop/order", data: { userId: "u2", item: "theirs" } },
  ]);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the dashboard with a tenant token", { timeout: 60_000 }, () => {
  it("shows the user's own runs without admin errors, and only the views a tenant may use", async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on("pageerror", (error) => failures.push(error.message));
    await page.goto(url);
    const { token } = createTenantToken({ userId: "u1", secret: SIGNING_KEY });
    await page.fill("#key", token);
    await page.click("#key-form button");
    await page.waitForSelector('#run-table tr.run[data-status="completed"]');
    await expect.poll(() => page.textContent("#live")).toBe("live");
    expect(await page.locator("#run-table tr.run").count()).toBe(1);
    expect(await page.isVisible("#notice")).toBe(false);
    expect(await page.textContent("#mode")).toMatch(/tenant u1/);
    const tabs = await page.$$eval("nav a", (links) =>
      links.filter((link) => !(link as HTMLElement).hidden).map((link) => link.textContent),
    );
    expect(tabs).toEqual(["Runs"]);
    expect(await page.isVisible('#run-filters select[name="function"]')).toBe(false);
    expect(failures).toEqual([]);
    await page.close();
  });
});
