/**
 * The chat page (runs in the browser; bundled by `chat-app.ts`): the signed-in user's threads on the
 * left, the open thread on the right, chatting through `useAgent`. The user comes from `?user=` (the
 * demo's login) and gets a tenant token from `/chat/token`.
 *
 * @module
 */
import { createElement as h, useCallback, useEffect, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import {
  createClient,
  type FairwayClient,
  type ThreadInfo,
  type ThreadMessage,
} from "../../src/client/index.js";
import { useAgent } from "../../src/react/index.js";

const user = new URLSearchParams(location.search).get("user") ?? "guest";

/** A tenant token for `user`, fetched once and again when it is about to expire. */
function tokenSource(): () => Promise<string> {
  let current: { token: string; expiresAt: number } | undefined;
  return async () => {
    if (!current || current.expiresAt - Date.now() < 60_000) {
      const response = await fetch(`/chat/token?user=${encodeURIComponent(user)}`);
      current = (await response.json()) as { token: string; expiresAt: number };
    }
    return current.token;
  };
}

function App() {
  const client = useMemo(() => createClient({ token: tokenSource() }), []);
  const [threads, setThreads] = useState<ThreadInfo[]>([]);
  const [threadId, setThreadId] = useState<string | undefined>(undefined);
  const [loaded, setLoaded] = useState(false);
  const refresh = useCallback(() => {
    client
      .listThreads()
      .then(setThreads, () => setThreads([]))
      .finally(() => setLoaded(true));
  }, [client]);
  useEffect(() => {
    refresh();
  }, [refresh]);
  return h(
    "div",
    { style: { display: "contents" } },
    h(
      "aside",
      null,
      h("p", null, "Signed in as ", h("b", { "data-testid": "user" }, user)),
      h(
        "button",
        { type: "button", onClick: () => setThreadId(undefined), "data-testid": "new-thread" },
        "New thread",
      ),
      h("h3", null, "Threads"),
      h(
        "div",
        { "data-testid": "threads", "data-loaded": String(loaded) },
        threads.map((thread) =>
          h(
            "button",
            {
              key: thread.threadId,
              type: "button",
              className: "thread",
              onClick: () => setThreadId(thread.threadId),
            },
            new Date(thread.updatedAt).toLocaleTimeString(),
            " · ",
            thread.threadId.slice(0, 8),
          ),
        ),
      ),
    ),
    h(Chat, { key: threadId ?? "new", client, threadId, onDone: refresh }),
  );
}

function Chat(props: { client: FairwayClient; threadId: string | undefined; onDone: () => void }) {
  const { messages, status, error, send, stop } = useAgent({
    client: props.client,
    network: "Support",
    ...(props.threadId !== undefined && { threadId: props.threadId }),
  });
  const [draft, setDraft] = useState("");
  const busy = status === "submitted" || status === "streaming";
  const { onDone } = props;
  const answered = status === "idle" && messages.length > 0;
  // The thread list changes when an answer ends (a new thread, a newer update time).
  useEffect(() => {
    if (answered) onDone();
  }, [answered, onDone]);
  return h(
    "main",
    null,
    h(
      "div",
      { id: "messages", "data-testid": "messages" },
      messages.map((message) => h(Message, { key: message.id, message })),
    ),
    h("p", { "data-testid": "status" }, `status: ${status}`, error ? ` — ${error.message}` : ""),
    h(
      "form",
      {
        onSubmit: (event: { preventDefault(): void }) => {
          event.preventDefault();
          if (!draft.trim() || busy) return;
          send(draft.trim());
          setDraft("");
        },
      },
      h("input", {
        "aria-label": "Message",
        value: draft,
        placeholder: "Ask about an order, e.g. Where is o-123?",
        onChange: (event: { target: { value: string } }) => setDraft(event.target.value),
      }),
      h("button", { type: "submit", disabled: busy }, "Send"),
      h("button", { type: "button", disabled: !busy, onClick: stop }, "Stop"),
    ),
  );
}

function Message(props: { message: ThreadMessage }) {
  const { message } = props;
  return h(
    "div",
    { className: `message ${message.role}`, "data-role": message.role },
    message.agentName ? h("b", null, `${message.agentName}: `) : null,
    message.text,
    message.toolCalls.map((call) =>
      h(
        "div",
        { key: call.id, className: "tool", "data-testid": "tool-call" },
        `${call.name}(${JSON.stringify(call.input ?? {})})`,
        call.output !== undefined ? ` → ${JSON.stringify(call.output)}` : " …",
      ),
    ),
  );
}

const root = document.getElementById("root");
if (root) createRoot(root).render(h(App));
