/**
 * The package as a user gets it: `npm run build`, `npm pack`, then the tarball installed into a fresh
 * `npm init -y` project outside the repository, used from ESM, from CommonJS (require(esm), Node ≥ 20.19)
 * and from TypeScript with tsx.
 *
 * This machine reaches the npm registry only, so better-sqlite3's install script (a prebuilt binary from
 * GitHub, or a node-gyp build that downloads Node headers) cannot run here: the project installs with
 * `--ignore-scripts` and gets the binary this repository built. Everything else comes from the registry.
 */
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const work = mkdtempSync(join(tmpdir(), "fairway-pack-"));
const app = join(work, "app");
const TSX_VERSION = "4.23.15";

async function sh(command: string, args: string[], cwd: string): Promise<string> {
  const { stdout } = await run(command, args, {
    cwd,
    env: { ...process.env, NODE_ENV: "production" },
    timeout: 300_000,
  });
  return stdout;
}

beforeAll(async () => {
  await sh("npm", ["run", "build"], root);
  await sh("npm", ["pack", "--pack-destination", work], root);
  const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack made no tarball");
  mkdirSync(app);
  await sh("npm", ["init", "-y"], app);
  await sh(
    "npm",
    [
      "install",
      "--ignore-scripts",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      join(work, tarball),
      `tsx@${TSX_VERSION}`,
    ],
    app,
  );
  const release = join(app, "node_modules/better-sqlite3/build/Release");
  mkdirSync(release, { recursive: true });
  copyFileSync(
    join(root, "node_modules/better-sqlite3/build/Release/better_sqlite3.node"),
    join(release, "better_sqlite3.node"),
  );
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm pack installed into a fresh npm init -y project", () => {
  it("works from ESM: the client, the server (a real http.Server) and the browser client entry", async () => {
    writeFileSync(
      join(app, "app.mjs"),
      `import { EventSchemas, Fairway } from "fairway-agents";
import { createClient } from "fairway-agents/client";
import { createServer } from "fairway-agents/server";
import { Server } from "node:http";
import { z } from "zod";
const schemas = new EventSchemas().fromZod({ "app/hello": { data: z.object({ name: z.string() }) } });
const fairway = new Fairway({ id: "esm-app", store: "memory", schemas });
const fn = fairway.createFunction({ id: "hello" }, { event: "app/hello" }, ({ event, step }) =>
  step.run("greet", () => "Hello " + event.data.name));
const server = createServer({ client: fairway, functions: [fn], auth: { signingKey: "k".repeat(32) } });
await fairway.send({ name: "app/hello", data: { name: "ESM" } });
const invalid = await fairway.send({ name: "app/hello", data: { name: 1 } }).catch((error) => error.issues[0].path);
const { runs } = await fairway.listRuns();
console.log(JSON.stringify({
  output: await fairway.waitForRun(runs[0].id),
  invalid,
  httpServer: server instanceof Server,
  client: typeof createClient({ baseUrl: "http://x" }).sendMessage,
}));
await server.close();
`,
    );
    const output = JSON.parse(await sh("node", ["app.mjs"], app));
    expect(output).toEqual({
      output: "Hello ESM",
      invalid: "data.name",
      httpServer: true,
      client: "function",
    });
  }, 120_000);

  it("works from CommonJS (require of the ESM package, Node >= 20.19) on the default SQLite store", async () => {
    writeFileSync(
      join(app, "app.cjs"),
      `const { Fairway } = require("fairway-agents");
const { sqliteHistory } = require("fairway-agents/history");
(async () => {
  const fairway = new Fairway({ id: "cjs-app" });
  fairway.createFunction({ id: "hello" }, { event: "app/hello" }, async ({ event }) => "Hello " + event.data.name);
  await fairway.send({ name: "app/hello", data: { name: "CJS" } });
  const { runs } = await fairway.listRuns();
  const output = await fairway.waitForRun(runs[0].id);
  await fairway.close();
  const history = sqliteHistory({ path: ":memory:" });
  console.log(JSON.stringify({ output, threads: await history.listThreads("u1") }));
  await history.close();
})();
`,
    );
    const output = JSON.parse(await sh("node", ["app.cjs"], app));
    expect(output).toEqual({ output: "Hello CJS", threads: [] });
  }, 120_000);

  it("every subpath of package.json exports loads with require (react's only without its optional peer)", async () => {
    writeFileSync(
      join(app, "entries.cjs"),
      `const entries = require("fairway-agents/package.json").exports;
const loaded = {};
for (const subpath of Object.keys(entries)) {
  const specifier = "fairway-agents" + subpath.slice(1);
  try {
    loaded[subpath] = Object.keys(require(specifier)).length > 0 ? "loaded" : "empty";
  } catch (error) {
    loaded[subpath] = error.code + ": " + error.message.split("\\n")[0];
  }
}
console.log(JSON.stringify(loaded));
`,
    );
    const loaded = JSON.parse(await sh("node", ["entries.cjs"], app)) as Record<string, string>;
    const exported = Object.keys(
      (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: object }).exports,
    );
    expect(Object.keys(loaded)).toEqual(exported);
    const { "./react": react, ...others } = loaded;
    expect(others).toEqual(
      Object.fromEntries(exported.filter((s) => s !== "./react").map((s) => [s, "loaded"])),
    );
    expect(react).toMatch(/^ERR_MODULE_NOT_FOUND: Cannot find package 'react' imported from /);
  }, 120_000);

  it("works from TypeScript with tsx; a missing optional peer (pg, react) is an error naming it", async () => {
    writeFileSync(
      join(app, "app.ts"),
      `import { Fairway } from "fairway-agents";
import { postgresHistory } from "fairway-agents/history";

const fairway = new Fairway({ id: "tsx-app", store: "memory" });
fairway.createFunction({ id: "hello" }, { event: "app/hello" }, async ({ event }) => \`Hello \${event.data.name}\`);

async function main(): Promise<void> {
  await fairway.send({ name: "app/hello", data: { name: "tsx" } });
  const { runs } = await fairway.listRuns();
  const output = await fairway.waitForRun(runs[0]!.id);
  await fairway.close();
  const pg = await postgresHistory().ready().then(() => "loaded", (error: Error) => \`\${error.name}: \${error.message}\`);
  const onPostgres = new Fairway({ id: "pg-app", store: "postgres://postgres@127.0.0.1:5432/test" });
  const pgStore = await onPostgres.start().then(() => "started", (error: Error) => \`\${error.name}: \${error.message}\`);
  const react = await import("fairway-agents/react").then(() => "loaded", (error: Error) => error.message);
  console.log(JSON.stringify({ output, pg, pgStore, react }));
}
main();
`,
    );
    const output = JSON.parse(await sh("npx", ["tsx", "app.ts"], app));
    expect(output.output).toBe("Hello tsx");
    expect(output.pg).toBe(
      'MissingPeerError: postgresHistory needs the package "pg", which is not installed: run `npm i pg`.',
    );
    expect(output.pgStore).toBe(
      'MissingPeerError: PostgresStore (a postgres:// store) needs the package "pg", which is not installed: run `npm i pg`.',
    );
    expect(output.react).toMatch(/Cannot find (package|module) 'react'/);
  }, 120_000);

  it("installs the CLI: npx fairway --help", async () => {
    expect(await sh("npx", ["fairway", "--help"], app)).toMatch(/Usage: fairway/);
  }, 120_000);

  it("ships every file its .md files link to, and source maps that carry their sources (src/ is not shipped)", () => {
    const installed = join(app, "node_modules/fairway-agents");
    const links = shippedMarkdown(installed).flatMap((file) =>
      relativeLinks(readFileSync(join(installed, file), "utf8")).map((target) => ({ file, target })),
    );
    expect(links.filter(({ file }) => file === "README.md").length).toBeGreaterThan(5);
    expect(links.filter(({ file }) => file.startsWith("docs/")).length).toBeGreaterThan(5);
    const dangling = links.filter(
      ({ file, target }) => !existsSync(join(installed, dirname(file), decodeURIComponent(target))),
    );
    expect(dangling).toEqual([]);
    const map = JSON.parse(readFileSync(join(installed, "dist/index.js.map"), "utf8")) as {
      sources: string[];
      sourcesContent?: string[];
    };
    expect(map.sourcesContent?.length).toBe(map.sources.length);
    expect(map.sourcesContent?.[0]).toContain("export");
  });
});

/** The package's .md files, as paths relative to `dir` (its own node_modules excluded). */
function shippedMarkdown(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
    (path) => path.endsWith(".md") && !path.split(sep).includes("node_modules"),
  );
}

/**
 * The relative link targets of a Markdown text, without their `#fragment`: inline links and images
 * (`[text](target "title")`) and reference definitions (`[label]: target`), outside code blocks and
 * code spans. URLs with a scheme (`https:`, `mailto:`) and same-page `#fragment` links are left out.
 */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^ *(```|~~~)[\s\S]*?^ *\1/gm, "").replace(/`[^`\n]*`/g, "");
  const targets = [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)/g)].map((match) => match[1]!),
    ...[...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1]!),
  ];
  return targets
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#"))
    .map((target) => target.split("#")[0]!);
}
