/**
 * The `fairway` command line: `dev`, `start`, `send`, `runs`, `limits`, `usage`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { MAX_EVENTS_PER_SEND } from "../engine/event-validation.js";
import { FairwayError } from "../errors/fairway-error.js";
import { MAX_CONCURRENCY_LIMIT } from "../flow/config/concurrency-config.js";
import { MAX_RATE_LIMIT, MAX_THROTTLE_LIMIT } from "../flow/config/rate-config.js";
import { MAX_RUNS_PER_LIST } from "../server/schemas.js";
import { ApiRequestError } from "./api-client.js";
import {
  limitsGetCommand,
  limitsListCommand,
  limitsRemoveCommand,
  limitsSetCommand,
} from "./commands/limits.js";
import { runsCommand } from "./commands/runs.js";
import { sendCommand } from "./commands/send.js";
import { serveCommand } from "./commands/serve.js";
import { usageCommand } from "./commands/usage.js";
import { integerOption } from "./integer-flag.js";

/** Which key the admin commands send: a server with keys asks for its signing key; an open one for none. */
const ADMIN_KEY_NOTE =
  "(a server with keys, `fairway start`, wants its signing key: --key or FAIRWAY_SIGNING_KEY; an open `fairway dev` needs none)";

const urlOption = () =>
  new Option("--url <url>", "server URL (env FAIRWAY_URL)").default(undefined, "http://127.0.0.1:3010");
const keyOption = () =>
  new Option("--key <key>", "bearer key or token (env FAIRWAY_EVENT_KEY / FAIRWAY_SIGNING_KEY)");

/** The installed package's version (`fairway-agents`' package.json: two folders up from `src/cli` and `dist/cli`). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return String(manifest.version);
}

/** Builds the `fairway` program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command("fairway")
    .description("Durable, multi-tenant AI agent networks: serve an app, send events, follow runs.")
    .version(packageVersion(), "-V, --version", "print the installed fairway-agents version")
    .showHelpAfterError();

  serveCommandOf(
    program,
    "dev",
    "serve an app for local development: API + dashboard, embedded store, no credentials (open)",
  )
    .addOption(
      integerOption(
        "-p, --port <port>",
        "port (0 = any free port) [default: 3010, or 8288 with only -u]",
        0,
        65535,
      ),
    )
    .option("--host <host>", "interface to listen on", "127.0.0.1");
  serveCommandOf(
    program,
    "start",
    "serve an app in production: keys required (FAIRWAY_SIGNING_KEY, FAIRWAY_EVENT_KEYS)",
  )
    .addOption(integerOption("-p, --port <port>", "port [default: 3010, or 8288 with only -u]", 0, 65535))
    .option("--host <host>", "interface to listen on", "0.0.0.0")
    .option("--signing-key <key>", "the Inngest apps' signing key (env INNGEST_SIGNING_KEY)")
    .option("--event-key <key>", "an event key the Inngest apps send with (env INNGEST_EVENT_KEY)")
    .option(
      "--database-url <url>",
      "PostgreSQL store, postgres://… (sets DATABASE_URL for the app; several workers may share it)",
    );

  program
    .command("send")
    .description("send an event (or, with --file, many) to a running server")
    .argument("<name>", "event name")
    .option("-d, --data <json>", "event data, a JSON object", "{}")
    .option("--id <id>", "event id (deduplicates runs per function for 24 h)")
    .option("-f, --file <path>", "send one event per line of this file (JSON data, or whole events)")
    .addOption(
      integerOption("--batch <n>", "events per request with --file", 1, MAX_EVENTS_PER_SEND).default(500),
    )
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (name: string, options) => {
      await sendCommand(name, options);
    });

  program
    .command("runs")
    .description("list the latest runs; --follow keeps the table live")
    .option("--function <id>", "only runs of this function")
    .option("--all-apps", "also runs of other apps sharing the server's store (a PostgreSQL schema)")
    .option("--status <status>", "only runs with this status")
    .option("--concurrency-key <key>", "only runs with this concurrency key")
    .addOption(integerOption("-n, --limit <n>", "how many runs", 1, MAX_RUNS_PER_LIST).default(20))
    .option("--follow", "keep updating until Ctrl-C")
    .option("--json", "print JSON instead of a table")
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (options) => {
      const controller = new AbortController();
      process.once("SIGINT", () => controller.abort());
      process.once("SIGTERM", () => controller.abort());
      await runsCommand(options, controller.signal);
    });

  program
    .command("usage")
    .description(`token usage per tenant and model over a window ${ADMIN_KEY_NOTE}`)
    .option("--since <when>", 'how far back ("24h", "7d") or a start time (ISO-8601, ms)', "24h")
    .option("--until <when>", "end time (ISO-8601, ms); default now")
    .option("--function <id>", "only calls of this function's runs")
    .option("--tenant <key>", "only this tenant key")
    .option("--json", "print JSON instead of a table")
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (options) => {
      await usageCommand(options);
    });

  const limits = program
    .command("limits")
    .description(`per-key limit overrides at runtime ${ADMIN_KEY_NOTE}`);
  limits
    .command("set")
    .description("set (replace) the limits of one key value of a function")
    .argument("<function>", "function id")
    .argument("<key>", "key value, e.g. a user id")
    .addOption(
      integerOption("--concurrency <n>", "runs executing at once for this key", 1, MAX_CONCURRENCY_LIMIT),
    )
    .option(
      "--concurrency-key <expr>",
      "which keyed concurrency limit (its key expression), when there are two",
    )
    .addOption(integerOption("--throttle-limit <n>", "starts per --throttle-period", 1, MAX_THROTTLE_LIMIT))
    .option("--throttle-period <duration>", 'e.g. "1m"')
    .addOption(integerOption("--throttle-burst <n>", "extra starts from idle", 0, MAX_THROTTLE_LIMIT))
    .addOption(integerOption("--rate-limit <n>", "runs per any window of --rate-period", 1, MAX_RATE_LIMIT))
    .option("--rate-period <duration>", 'e.g. "1h"')
    .option("--json", "print JSON instead of a table")
    .addOption(urlOption())
    .addOption(keyOption())
    .action(limitsSetCommand);
  limits
    .command("get")
    .description("show the override of one key value")
    .argument("<function>", "function id")
    .argument("<key>", "key value")
    .option("--json", "print JSON instead of a table")
    .addOption(urlOption())
    .addOption(keyOption())
    .action(limitsGetCommand);
  limits
    .command("ls")
    .description("list overrides (of one function)")
    .argument("[function]", "function id")
    .option("--json", "print JSON instead of a table")
    .addOption(urlOption())
    .addOption(keyOption())
    .action(limitsListCommand);
  limits
    .command("rm")
    .description("remove the override of one key value (back to the configured limits)")
    .argument("<function>", "function id")
    .argument("<key>", "key value")
    .addOption(urlOption())
    .addOption(keyOption())
    .action(limitsRemoveCommand);
  return program;
}

/** `fairway dev` / `fairway start`: the same command in two modes (options are added by the caller). */
function serveCommandOf(program: Command, mode: "dev" | "start", description: string): Command {
  return program
    .command(mode)
    .description(description)
    .argument("[app]", "module exporting a Fairway client (and optionally agents and networks)")
    .option(
      "-u, --sdk-url <url>",
      "serve URL of an app written with the Inngest SDK, synced now and every 5 s (repeatable)",
      (url: string, urls: string[]) => [...urls, url],
      [] as string[],
    )
    .action(async (app: string | undefined, options) => {
      await serveCommand(app, options, mode);
    });
}

/** Runs the program on `argv`; prints errors as one line and exits 1 (2 for usage errors, from commander). */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.stderr.write(`fairway: ${describe(error)}\n`);
    process.exit(1);
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiRequestError) return `${error.message} (HTTP ${error.status}, ${error.code})`;
  if (FairwayError.isInstance(error)) return `${error.message} [${error.code}]`;
  if (error instanceof TypeError && error.message === "fetch failed") {
    const cause = (error.cause as { code?: string; message?: string } | undefined) ?? {};
    const why = cause.code ?? cause.message ?? "connection failed";
    return `cannot reach the server (${why}); is \`fairway dev\` running? Set --url or FAIRWAY_URL.`;
  }
  return error instanceof Error ? error.message : String(error);
}
