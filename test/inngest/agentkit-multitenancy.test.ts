/**
 * The seed's AgentKit multi-tenancy program (AgentKit 0.13.2 on the inngest 4.x SDK, its own `createServer`
 * on its own port), configured by environment variables only, runs its network on Fairway against a local
 * OpenAI-compatible scripted model server. Its `concurrency: [{ key: "event.data.user_id", limit: 10 }]`
 * holds: while the model holds every answer, a user with 14 questions has exactly 10 model calls in flight,
 * and another user is not held up by them.
 */
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeReplyTurn, openAiWire } from "../helpers/fake-provider/index.js";
import { spawnCollecting, startFairway, until } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const programFile = join(here, "fixtures/agentkit-multitenancy/src/agent-network.ts");
const shim = join(here, "fixtures/agentkit-multitenancy/listen-port.mjs");
const tsx = join(here, "../../node_modules/.bin/tsx");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllEnvs();
});

/** An OpenAI-compatible model that answers only when the gate opens, counting calls in flight per user. */
async function gatedModel() {
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  const calls: { user: string; authorization: string | undefined }[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const server = createHttpServer(async (req, res) => {
    const body = JSON.parse(await text(req));
    const prompt = JSON.stringify(body.messages);
    const user = prompt.match(/\[(u-[a-z]+)\]/)?.[1] ?? "unknown";
    calls.push({ user, authorization: req.headers.authorization });
    inFlight.set(user, (inFlight.get(user) ?? 0) + 1);
    peak.set(user, Math.max(peak.get(user) ?? 0, inFlight.get(user) ?? 0));
    await gate;
    inFlight.set(user, (inFlight.get(user) ?? 0) - 1);
    const request = {
      method: "POST",
      path: req.url ?? "",
      query: {},
      headers: req.headers,
      body,
      rawBody: "",
    };
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(openAiWire.json(turnFor(body, user), request, calls.length)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1/`,
    inFlight,
    peak,
    calls,
    open: () => open(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The script: the network's default routing agent (it offers `select_agent` and `done`) answers with `done`
 * and a summary. (Routing to the page's "Deep Research Agent" would fail inside AgentKit 0.13.2 itself,
 * on Inngest too: the page defines it without a `system` prompt, and `Agent.agentPrompt` then throws
 * "this.system is not a function".)
 */
function turnFor(body: { tools?: { function?: { name?: string } }[] }, user: string): FakeReplyTurn {
  const routing = body.tools?.some((tool) => tool.function?.name === "done") ?? false;
  if (!routing) return { text: `Findings for ${user}.` };
  return { toolCalls: [{ name: "done", arguments: { summary: `Findings for ${user}.` } }] };
}

function text(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

/** Starts the program with only environment variables set; resolves with its serve URL. */
async function startProgram(env: Record<string, string>) {
  const program = spawnCollecting(tsx, [programFile], {
    env: { ...process.env, ...env, NODE_OPTIONS: `--import ${shim}` },
  });
  cleanups.push(program.stop);
  const port = await until(() => program.output().match(/listening on port (\d+)/)?.[1], 30_000).catch(() => {
    throw new Error(`the program did not start:\n${program.output()}`);
  });
  await until(() => program.output().includes("Agent kit running!"));
  return { url: `http://127.0.0.1:${port}/api/inngest` };
}

describe("the seed's AgentKit multi-tenancy program on Fairway", () => {
  it("runs its network against a local model with per-user concurrency holding", async () => {
    const model = await gatedModel();
    cleanups.push(model.close);
    vi.stubEnv("OPENAI_BASE_URL", model.baseUrl);
    const fairway = await startFairway();
    cleanups.push(fairway.close);
    const program = await startProgram({ INNGEST_DEV: fairway.origin, OPENAI_API_KEY: "sk-local-test" });

    const sync = await fetch(program.url, { method: "PUT" });
    expect(sync.status).toBe(200);
    // AgentKit's createServer serves with its own client (app id "agent-kit"), which prefixes the function id.
    expect(fairway.server.inngest.list().map((fn) => fn.id)).toEqual(["agent-kit-deep-research-network"]);

    const questions = [
      ...Array.from({ length: 14 }, (_, n) => ({ user_id: "u-heavy", input: `[u-heavy] question ${n}` })),
      ...Array.from({ length: 2 }, (_, n) => ({ user_id: "u-light", input: `[u-light] question ${n}` })),
    ];
    const sent = await fetch(`${fairway.origin}/e/NO_EVENT_KEY_SET`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(questions.map((data) => ({ name: "deep-research-network/run", data }))),
    });
    expect(sent.status).toBe(200);

    // The model holds every answer: u-heavy reaches its limit of 10, u-light runs beside it.
    await until(() => model.inFlight.get("u-heavy") === 10 && model.inFlight.get("u-light") === 2, 30_000);
    const runs = await fairway.client.listRuns({ functionId: "agent-kit-deep-research-network", limit: 100 });
    const heavyRunning = runs.runs.filter(
      (run) => run.event.data.user_id === "u-heavy" && run.status === "running",
    );
    expect(heavyRunning).toHaveLength(10);
    model.open();
    await until(async () => {
      const page = await fairway.client.listRuns({
        functionId: "agent-kit-deep-research-network",
        limit: 100,
      });
      return page.runs.length === 16 && page.runs.every((run) => run.status === "completed");
    }, 30_000);
    expect(Object.fromEntries(model.peak)).toEqual({ "u-heavy": 10, "u-light": 2 });
    expect(model.calls.every((call) => call.authorization === "Bearer sk-local-test")).toBe(true);
    const done = await fairway.client.listRuns({ functionId: "agent-kit-deep-research-network", limit: 1 });
    const steps = await fairway.client.getRunSteps(done.runs[0]?.id ?? "");
    const routing = steps.find((step) => step.id === "Default routing agent");
    expect(JSON.stringify(routing?.output)).toContain("Findings for u-");
  }, 60_000);
});
