import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Fairway } from "../../src/fairway.js";
import { createServer, type FairwayServer } from "../../src/server/index.js";
import { memoryLogger } from "../server/helpers/test-server.js";
import { launchChromium } from "./helpers/chromium.js";

let browser: Browser;
let fairway: Fairway;
let server: FairwayServer;
let evil: Server;
let target = "";
let evilUrl = "";

/** A page of another origin that, once opened, posts an event to `target` the two ways needing no preflight. */
const EVIL_PAGE = `<!doctype html><title>cat pictures</title>
<form id="f" method="POST" enctype="text/plain" target="sink"><input name='{"name":"app/noop","data":{"x":"' value='"}}'></form>
<iframe name="sink"></iframe>
<script>
  const target = new URLSearchParams(location.search).get("target");
  document.getElementById("f").action = target + "/e/anything";
  fetch(target + "/api/events", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" },
    body: JSON.stringify({ name: "app/noop" }) })
    .then(() => {
      document.querySelector("iframe").onload = () => { document.title = "both-sent"; };
      document.getElementById("f").submit();
    });
</script>`;

beforeAll(async () => {
  fairway = new Fairway({ id: "csrf-app", store: "memory", logger: memoryLogger() });
  fairway.createFunction({ id: "noop" }, { event: "app/noop" }, async () => "done");
  server = createServer({ client: fairway, auth: { open: true }, logger: memoryLogger() });
  const address = await new Promise<AddressInfo>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server.address() as AddressInfo)),
  );
  target = `http://127.0.0.1:${address.port}`;
  evil = createHttpServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(EVIL_PAGE);
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/?target=${encodeURIComponent(target)}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => evil?.close(resolve));
});

describe("an open dev server visited cross-site in Chromium", { timeout: 60_000 }, () => {
  it("refuses events posted by another site's page (no-cors fetch and text/plain form)", async () => {
    const page = await browser.newPage();
    await page.goto(evilUrl);
    await expect.poll(() => page.title()).toBe("both-sent");
    await page.close();
    expect((await fairway.listRuns()).runs).toEqual([]);

    const dashboard = await browser.newPage();
    await dashboard.goto(`${target}/#send`);
    await dashboard.fill('#send-form input[name="name"]', "app/noop");
    await dashboard.click('#send-form button[type="submit"]');
    await dashboard.waitForSelector("#sent");
    expect((await fairway.listRuns()).runs).toHaveLength(1);
    await dashboard.close();
  });
});
