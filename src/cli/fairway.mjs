#!/usr/bin/env node
// `fairway` launcher: runs the built CLI (dist/) when present, else the TypeScript source through tsx
// (a clone after `npm ci`, before `npm run build`; or when FAIRWAY_CLI_SOURCE=1, as the tests do).
import { existsSync } from "node:fs";

const built = new URL("../../dist/cli/main.js", import.meta.url);
let cli;
if (existsSync(built) && process.env.FAIRWAY_CLI_SOURCE !== "1") {
  cli = await import(built.href);
} else {
  // Both hooks, as load-app.ts does: an app in a package without "type": "module" is compiled as CommonJS.
  for (const api of await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")])) api.register();
  globalThis[Symbol.for("fairway.tsx-registered")] = true;
  cli = await import(new URL("./main.ts", import.meta.url).href);
}
await cli.main();
