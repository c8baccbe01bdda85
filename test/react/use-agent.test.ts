import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatServer } from "../client/chat-server.js";
import { launchChromium } from "../e2e/helpers/chromium.js";

/*
 * useAgent rendered by react-dom in Chromium, against a real server (the support desk network).
 */
let browser: Browser;
let chat: Awaited<ReturnType<typeof chatServer>>;

beforeAll(async () => {
  chat = await chatServer();
  const bundle = await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), "harness.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    define: { "process.env.NODE_ENV": '"development"' },
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  chat.server.app.get("/harness", (c) =>
    c.html('<!doctype html><div id="root"></div><script type="module" src="/harness.js"></script>'),
  );
  chat.server.app.get("/harness.js", (c) => c.body(script, 200, { "content-type": "text/javascript" }));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await chat?.server.close();
});

async function open(user: string, network = "Support Desk"): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(
    `${chat.baseUrl}/harness?token=${encodeURIComponent(chat.tokenFor(user))}&network=${encodeURIComponent(network)}`,
  );
  await page.waitForFunction(() => window.agent !== undefined);
  expect(errors).toEqual([]);
  return page;
}

const state = (page: Page, name: string) => page.locator("#state").getAttribute(`data-${name}`);

describe("useAgent in React (Chromium)", () => {
  it("send: shows the user message, streams the answer with its tool call, ends idle on a UUID thread", async () => {
    const page = await open("u1");
    await page.evaluate(() => window.agent.send("Where is my order?"));
    await expect.poll(() => state(page, "status")).toBe("idle");
    // React may batch the streaming updates into one render: "streaming" need not show.
    const statuses = await page.evaluate(() => window.statuses);
    expect(statuses.slice(0, 2)).toEqual(["idle", "submitted"]);
    expect(statuses.at(-1)).toBe("idle");
    expect(await state(page, "thread")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const rows = await page
      .locator("#state p")
      .evaluateAll((nodes) =>
        nodes.map((node) => [
          node.getAttribute("data-role"),
          node.getAttribute("data-agent"),
          node.textContent,
        ]),
      );
    expect(rows).toEqual([
      ["user", "", "Where is my order?"],
      ["assistant", "Triage", 'lookup_order:{"data":{"orderId":"o-1","status":"shipped"}}'],
      ["assistant", "Answer", "Your order o-1 has shipped."],
    ]);
    await page.close();
  });

  it("error: a network the server does not serve ends in status error with the server's message", async () => {
    const page = await open("u1", "No Such Network");
    await page.evaluate(() => window.agent.send("hello"));
    await expect.poll(() => state(page, "status")).toBe("error");
    expect(await state(page, "error")).toMatch(/No network with id "No Such Network".*HTTP 404/);
    await page.close();
  });

  it("stop right after send: the message is not sent and nothing follows; the next send works", async () => {
    const page = await open("u2");
    const completedBefore = (await chat.fairway.listRuns({ status: "completed" })).runs.length;
    await page.evaluate(() => {
      const sending = window.agent.send("Where is my order?");
      window.agent.stop();
      return sending;
    });
    await expect.poll(() => state(page, "status")).toBe("idle");
    expect(await page.locator('#state p[data-role="assistant"]').count()).toBe(0);
    await page.evaluate(() => window.agent.send("second"));
    await expect.poll(() => state(page, "status")).toBe("idle");
    expect(await page.locator('#state p[data-role="assistant"]').count()).toBe(2);
    // Only the second message started a run (runs of one user start in order, so the first would be done).
    expect((await chat.fairway.listRuns({ status: "completed" })).runs.length).toBe(completedBefore + 1);
    await page.close();
  });
});
