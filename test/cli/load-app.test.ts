import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const launcher = join(import.meta.dirname, "../../src/cli/fairway.mjs");
const fairwaySource = join(import.meta.dirname, "../../src/fairway.js");
const env: NodeJS.ProcessEnv = { ...process.env, FAIRWAY_CLI_SOURCE: "1" };
delete env.FAIRWAY_SIGNING_KEY;
delete env.FAIRWAY_EVENT_KEYS;
const dir = mkdtempSync(join(tmpdir(), "fairway-cjs-app-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fairway dev <app.ts> in a project without "type": "module"', { timeout: 60_000 }, () => {
  it("loads the app (tsx compiles it as CommonJS) and serves it", async () => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-app", private: true }));
    writeFileSync(
      join(dir, "app.ts"),
      [
        `import { Fairway } from ${JSON.stringify(fairwaySource)};`,
        `export const fairway = new Fairway({ id: "cjs-app", store: "memory" });`,
        `fairway.createFunction({ id: "hello" }, { event: "app/hello" }, async () => "hi");`,
      ].join("\n"),
    );
    const dev = spawn(process.execPath, [launcher, "dev", join(dir, "app.ts"), "--port", "0"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const code = await new Promise<number | null>((resolve) => {
      let signalled = false;
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (!signalled && /functions: hello/.test(output)) signalled = dev.kill("SIGTERM");
      };
      dev.stdout.on("data", collect);
      dev.stderr.on("data", collect);
      dev.once("exit", resolve);
    });
    expect(output).toMatch(/functions: hello/);
    expect(output).not.toMatch(/Cannot require\(\) ES Module/);
    expect(code).toBe(0);
  });
});
