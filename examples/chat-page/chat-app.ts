/**
 * The chat page example: a support network served by Fairway, and a React page (`page.ts`, bundled with
 * esbuild at start) that chats with it through `useAgent`. Each browser user gets a tenant token from
 * `/chat/token?user=<name>` — the demo's stand-in for your login — so a user sees only their threads.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { z } from "zod";
import { sqliteHistory } from "../../src/agents/history/index.js";
import { createAgent, createNetwork, createTool, Fairway, type Model } from "../../src/index.js";
import { createServer, createTenantToken, type FairwayServer } from "../../src/server/index.js";
import { selectModel } from "../research-desk/select-model.js";
import { offlineChatModel } from "./offline-chat-model.js";

/** Options of {@link startChatPage}. */
export interface ChatPageOptions {
  /** @default 3020 (0: any free port) */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** Runs store: `"memory"` or an SQLite path. @default "memory" */
  store?: string;
  /** Thread history SQLite path. @default ":memory:" */
  historyPath?: string;
  /** Where provider keys are read (a key selects a real model). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A running chat page: its URL, the model in use, and `close()`. */
export interface ChatPage {
  url: string;
  server: FairwayServer;
  /** True when no provider key is set and the offline rules answer. */
  offline: boolean;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Builds the network and the page, and serves both. */
export async function startChatPage(options: ChatPageOptions = {}): Promise<ChatPage> {
  const selected = selectModel(options.env ?? process.env);
  const model: Model = selected.offline ? offlineChatModel() : selected.model;
  const history = sqliteHistory({ path: options.historyPath ?? ":memory:" });
  const lookupOrder = createTool({
    name: "lookup_order",
    description: "Looks up an order by its id (like o-123) and returns its status",
    parameters: z.object({ orderId: z.string() }),
    handler: ({ orderId }) => ({
      orderId,
      status: Number(orderId.replace(/\D/g, "")) % 2 ? "shipped" : "being packed",
    }),
  });
  const assistant = createAgent({
    name: "Assistant",
    system: "You are a support assistant. Use lookup_order for order questions. Answer briefly.",
    tools: [lookupOrder],
    model,
  });
  const network = createNetwork({
    name: "Support",
    agents: [assistant],
    // Ask again after a tool call, stop once the assistant answered in text.
    router: ({ callCount, lastResult }) =>
      callCount < 4 && (callCount === 0 || (lastResult?.toolCalls.length ?? 0) > 0) ? assistant : undefined,
    history,
  });
  const fairway = new Fairway({ id: "chat-page", store: options.store ?? "memory" });
  const signingKey = randomBytes(24).toString("hex");
  const server = createServer({ client: fairway, networks: [network], history, auth: { signingKey } });

  const bundle = await build({
    entryPoints: [join(here, "page.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  server.app.get("/chat", (c) => c.html(PAGE));
  server.app.get("/chat/app.js", (c) =>
    c.body(script, 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
  server.app.get("/chat/token", (c) => {
    const user = c.req.query("user") ?? "";
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(user))
      return c.json({ error: "user: 1-64 letters, digits, _ or -" }, 400);
    return c.json(createTenantToken({ userId: user, secret: signingKey, expiresIn: "1h" }));
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3020, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/chat`,
    server,
    offline: selected.offline,
    close: async () => {
      await server.close();
      await history.close();
    },
  };
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fairway chat</title>
<style>
  body { font: 15px system-ui, sans-serif; margin: 0; display: flex; height: 100vh; }
  aside { width: 220px; border-right: 1px solid #ddd; padding: 12px; overflow: auto; }
  main { flex: 1; display: flex; flex-direction: column; padding: 12px; }
  #messages { flex: 1; overflow: auto; }
  .message { margin: 6px 0; padding: 8px 10px; border-radius: 8px; max-width: 70%; white-space: pre-wrap; }
  .user { background: #dbeafe; margin-left: auto; }
  .assistant { background: #f3f4f6; }
  .tool { font: 12px ui-monospace, monospace; color: #555; }
  form { display: flex; gap: 8px; }
  input { flex: 1; padding: 8px; }
  button.thread { display: block; width: 100%; text-align: left; margin: 2px 0; }
</style>
</head>
<body><div id="root" style="display: contents"></div><script type="module" src="/chat/app.js"></script></body>
</html>`;
