import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startFakeOpenAi } from "../../test/helpers/fake-provider/index.js";
import { closeServersAfterEach } from "../../test/models/fixtures.js";
import { OFFLINE_LABEL } from "../shared/policy-model.js";
import { runExample } from "../shared/run-example.js";
import { explainFile } from "./explain-file.js";
import { offlineExplainer } from "./offline-explainer.js";

const main = join(import.meta.dirname, "main.ts");
const track = closeServersAfterEach();

const sample = `/** Rate limits per tenant. More text here. */
import { z } from "zod";
import { clock } from "./clock.js";

/** Parses a limit. Throws on bad input. */
export function parseLimit(text: string): number {
  return Number(text);
}

export interface Limit { key: string }
export const DEFAULT_LIMIT = 10;
function internal() {}
`;

describe("guided tour, level 1: explain a code file", () => {
  it("offline: outlines the file from its code and comments, and says it is not an LLM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fairway-explain-"));
    writeFileSync(join(dir, "limits.ts"), sample);
    const answer = await explainFile(join(dir, "limits.ts"), offlineExplainer());
    expect(answer.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(answer).toContain("Purpose, from its header comment: Rate limits per tenant.");
    expect(answer).toContain("It imports from: zod, ./clock.js.");
    expect(answer).toContain("- function parseLimit: Parses a limit.");
    expect(answer).toContain("- interface Limit (undocumented)");
    expect(answer).toContain("- const DEFAULT_LIMIT (undocumented)");
    expect(answer).not.toContain("internal");
  });

  it("main.ts runs offline with no key and explains the default file", async () => {
    const out = await runExample(main);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("offline, not an LLM");
    expect(out.stdout).toContain("- function toMs");
  });

  it("main.ts uses a real provider when one is configured (the file is in the prompt)", async () => {
    const server = track(await startFakeOpenAi([{ text: "This file parses durations." }]));
    const out = await runExample(main, {
      args: ["src/engine/clock.ts"],
      env: { FAIRWAY_BASE_URL: server.baseUrl, FAIRWAY_MODEL: "test-model" },
    });
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("model: openai-chat test-model (from FAIRWAY_BASE_URL)");
    expect(out.stdout).toContain("This file parses durations.");
    const messages = server.requests[0]?.body.messages as Array<{ role: string; content: string }>;
    expect(messages[0]?.role).toBe("system");
    expect(messages[1]?.content).toMatch(/^Explain the file src\/engine\/clock\.ts:\n\n```ts\n/);
  });
});
