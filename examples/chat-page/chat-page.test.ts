import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../test/e2e/helpers/chromium.js";
import { type ChatPage, startChatPage } from "./chat-app.js";

/*
 * The chat page in Chromium: React renders useAgent's state while the answer streams from the server.
 */
let browser: Browser;
let chat: ChatPage;
const pageErrors: string[] = [];

beforeAll(async () => {
  chat = await startChatPage({ port: 0, env: {} });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await chat?.close();
});

async function open(user: string): Promise<Page> {
  const page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${chat.url}?user=${user}`);
  await page.getByTestId("user").waitFor();
  return page;
}

describe("chat page example (useAgent in Chromium)", () => {
  it("streams an answer with its tool call, keeps the thread, and shows it after a reload", async () => {
    expect(chat.offline).toBe(true);
    const page = await open("alice");
    await page.getByLabel("Message").fill("Where is o-123?");
    await page.getByRole("button", { name: "Send" }).click();
    const messages = page.getByTestId("messages");
    await expect
      .poll(() => messages.locator('[data-role="assistant"]').last().textContent(), { timeout: 20_000 })
      .toContain("Order o-123 is shipped.");
    await expect.poll(() => page.getByTestId("status").textContent()).toBe("status: idle");
    expect(await messages.locator('[data-role="user"]').allTextContents()).toEqual(["Where is o-123?"]);
    expect(await page.getByTestId("tool-call").first().textContent()).toBe(
      'lookup_order({"orderId":"o-123"}) → {"data":{"orderId":"o-123","status":"shipped"}}',
    );
    expect(await messages.textContent()).toContain("(offline demo model, not an LLM)");
    await expect.poll(() => page.getByTestId("threads").locator("button").count()).toBe(1);

    // A second message continues the thread.
    await page.getByLabel("Message").fill("thanks");
    await page.getByRole("button", { name: "Send" }).click();
    await expect
      .poll(() => messages.locator('[data-role="assistant"]').last().textContent(), { timeout: 20_000 })
      .toContain('You said: "thanks"');

    // After a reload the thread is listed and its messages come from the server's history.
    await page.reload();
    await page.getByTestId("threads").locator("button").first().click();
    await expect
      .poll(() => messages.locator('[data-role="user"]').allTextContents(), { timeout: 10_000 })
      .toEqual(["Where is o-123?", "thanks"]);
    expect(await messages.textContent()).toContain("Order o-123 is shipped.");
    await page.close();
  });

  it("shows another user none of alice's threads (tenant tokens)", async () => {
    const page = await open("bob");
    await expect.poll(() => page.getByTestId("threads").getAttribute("data-loaded")).toBe("true");
    expect(await page.getByTestId("threads").locator("button").count()).toBe(0);
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
