/**
 * A page for the useAgent test (bundled by it, run in Chromium): renders the hook's state into the DOM
 * and exposes `send` and `stop` as `window.agent`; every status it goes through is kept in
 * `window.statuses`. Query: `token`, `network`.
 */
import { createElement as h, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { createClient } from "../../src/client/index.js";
import { type UseAgentResult, useAgent } from "../../src/react/index.js";

declare global {
  interface Window {
    agent: Pick<UseAgentResult, "send" | "stop">;
    statuses: string[];
  }
}

const query = new URLSearchParams(location.search);
const client = createClient({ token: query.get("token") ?? "", reconnectDelayMs: 0 });
window.statuses = [];

function Harness() {
  const { messages, status, error, threadId, send, stop } = useAgent({
    client,
    network: query.get("network") ?? "Support Desk",
  });
  window.agent = { send, stop };
  useEffect(() => {
    window.statuses.push(status);
  }, [status]);
  return h(
    "div",
    { id: "state", "data-status": status, "data-thread": threadId ?? "", "data-error": error?.message ?? "" },
    messages.map((message) =>
      h(
        "p",
        { key: message.id, "data-role": message.role, "data-agent": message.agentName ?? "" },
        message.text,
        message.toolCalls.map((call) =>
          h("code", { key: call.id }, `${call.name}:${JSON.stringify(call.output)}`),
        ),
      ),
    ),
  );
}

createRoot(document.getElementById("root") as HTMLElement).render(h(Harness));
