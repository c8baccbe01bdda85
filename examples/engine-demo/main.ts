/**
 * `npm run demo:engine`: runs the engine demo on a fresh SQLite file under `.fairway/` and prints each
 * run's result.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { runDemo } from "./demo.js";

mkdirSync(".fairway", { recursive: true });
const dir = mkdtempSync(join(".fairway", "engine-demo-"));
await runDemo(dir, (line) => console.log(line));
