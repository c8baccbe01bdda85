import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Agent } from "../agents/agent.js";
import { Network } from "../agents/network.js";
import { ConfigError } from "../errors/config-error.js";
import { Fairway } from "../fairway.js";

/** What an app module provides: its Fairway client (all of whose functions are served), agents and networks. */
export interface LoadedApp {
  client: Fairway;
  agents: Agent[];
  networks: Network[];
}

/**
 * Imports an app module and collects what it exports — named exports and the fields of a default-exported
 * object: exactly one `Fairway` client (every function created on it is served), and any agents and
 * networks (each served as a function, as `createServer` does). TypeScript files are loaded through tsx.
 *
 * @throws ConfigError naming the file when it is missing, exports no client, or exports two clients.
 */
export async function loadApp(file: string): Promise<LoadedApp> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError("app", `file not found: ${path}`);
  if (/\.[mc]?tsx?$/.test(path)) await registerTypeScript();
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const values = Object.entries(module).flatMap(([name, value]) =>
    name === "default" && isPlainObject(value) ? Object.values(value) : [value],
  );
  const clients = unique(values.filter(isClient));
  if (clients.length !== 1) {
    throw new ConfigError(
      "app",
      `${file} must export exactly one Fairway client (found ${clients.length}): \`export const fairway = new Fairway({ id })\``,
    );
  }
  return {
    client: clients[0]!,
    agents: unique(values.filter((value): value is Agent => isInstance(value, Agent))),
    networks: unique(values.filter((value): value is Network => isInstance(value, Network))),
  };
}

/**
 * Lets `import()` load TypeScript, as ES module or CommonJS, once per process (the launcher marks a
 * process it already registered).
 */
async function registerTypeScript(): Promise<void> {
  const flag = Symbol.for("fairway.tsx-registered");
  const registry = globalThis as Record<symbol, unknown>;
  if (registry[flag]) return;
  let apis: { register: () => unknown }[];
  try {
    // Both hooks: tsx compiles a .ts file as CommonJS in a package without "type": "module", and the ESM
    // hook alone then fails with ERR_REQUIRE_CYCLE_MODULE.
    apis = (await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")])) as typeof apis;
  } catch {
    throw new ConfigError(
      "app",
      "loading a TypeScript app needs the `tsx` package (npm i -D tsx), or compile the app to JavaScript",
    );
  }
  for (const api of apis) api.register();
  registry[flag] = true;
}

/**
 * Recognises the classes also when the app imports another copy of Fairway than the CLI runs (the app
 * imports `src/` through tsx while the CLI runs from `dist/`): same class name and a `run` method.
 */
function isInstance(value: unknown, type: typeof Agent | typeof Network): boolean {
  if (value instanceof type) return true;
  const candidate = value as { constructor?: { name?: string }; run?: unknown } | null;
  return candidate?.constructor?.name === type.name && typeof candidate.run === "function";
}

/** A Fairway client, of this copy of the package or another (see {@link isInstance}). */
function isClient(value: unknown): value is Fairway {
  if (value instanceof Fairway) return true;
  const candidate = value as Partial<Record<"createFunction" | "onRunEvent" | "listRuns", unknown>> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.createFunction === "function" &&
    typeof candidate.onRunEvent === "function" &&
    typeof candidate.listRuns === "function"
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
