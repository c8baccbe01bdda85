/**
 * `npx tsx examples/chat-page/main.ts [--port 3020]`: serves the chat page (React + useAgent) on
 * http://127.0.0.1:3020/chat?user=alice. Offline rules answer unless a provider key is set
 * (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, XAI_API_KEY or FAIRWAY_BASE_URL).
 *
 * @module
 */
import { Command, InvalidArgumentError } from "commander";
import { startChatPage } from "./chat-app.js";

const program = new Command("chat-page")
  .description("A React chat page on Fairway's useAgent")
  .option(
    "--port <port>",
    "port to listen on",
    (value: string) => {
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
        throw new InvalidArgumentError("must be 0-65535");
      return parsed;
    },
    3020,
  )
  .parse();

const page = await startChatPage({ port: program.opts<{ port: number }>().port });
console.log(
  page.offline
    ? "model: offline rules (NOT an LLM: set OPENAI_API_KEY or another provider key for a real model)"
    : "model: a real provider (from the environment)",
);
console.log(`chat page: ${page.url}?user=alice   (another user: ?user=bob)`);
const stop = () => {
  page.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
