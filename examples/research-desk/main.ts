/**
 * `npm start`: the research desk — a research network serving many users fairly on the embedded store.
 *
 *   npm start                 full load (one heavy user, ten light users, a paid user), then exit
 *   npm start -- --quick      a short load
 *   npm start -- --serve      keep the API and dashboard up afterwards (Ctrl-C to stop)
 *
 * @module
 */
import { Command, InvalidArgumentError } from "commander";
import { watchLauncher } from "../../src/cli/watch-launcher.js";
import { runDesk } from "./run-desk.js";

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
    throw new InvalidArgumentError("must be an integer from 0 to 65535");
  }
  return parsed;
}

const program = new Command("research-desk")
  .description(
    "Fairway's multi-tenant research desk: an agent network answering questions about node_modules READMEs",
  )
  .option("--quick", "a short load (40 + 20 + 2 questions)", false)
  .option("--serve", "keep serving the API and dashboard after the load", false)
  .option("--port <port>", "port of the API and dashboard", port, 3010)
  .option("--store <path>", "SQLite file for runs (default: a new temp file), or 'memory'")
  .parse();

const options = program.opts<{ quick: boolean; serve: boolean; port: number; store?: string }>();
// Ctrl-C during the load: exit through process.exit so the temp store is removed (run-desk.ts).
const interrupt = () => process.exit(130);
process.once("SIGINT", interrupt);
process.once("SIGTERM", interrupt);
// `npm start` runs this as npm → sh → tsx → node: npm's signals stop at its shell, so end with npm.
let onLauncherGone: () => void = interrupt;
watchLauncher(() => onLauncherGone());
const desk = await runDesk({
  quick: options.quick,
  port: options.port,
  ...(options.store ? { store: options.store } : {}),
}).catch((error: unknown) => {
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    process.stderr.write(
      `Port ${options.port} is in use: stop what holds it, or pass --port <port> (0 = any).\n`,
    );
    process.exit(1);
  }
  throw error;
});
process.removeListener("SIGINT", interrupt);
process.removeListener("SIGTERM", interrupt);
if (options.serve) {
  process.stdout.write(`\nServing ${desk.url} — press Ctrl-C to stop.\n`);
  const stop = () => {
    desk.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  onLauncherGone = stop;
} else {
  await desk.close();
}
