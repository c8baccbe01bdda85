// Talks to the Fairway HTTP API: JSON requests and SSE streams read with fetch (so the Authorization
// header can be sent, which EventSource cannot do).

const KEY_STORAGE = "fairway.key";

/** The credential sent as a bearer token: a signing key or a tenant token, kept for this tab only. */
export function getKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? "";
}

export function setKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

function headers(extra = {}) {
  const key = getKey();
  return key ? { ...extra, authorization: `Bearer ${key}` } : extra;
}

/** An API error: `status` is the HTTP status, `code` the error code from the body. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The ApiError of a failed response whose parsed body is `payload`. */
function apiError(response, payload) {
  const error = payload.error ?? {};
  return new ApiError(response.status, error.code ?? "http_error", error.message ?? response.statusText);
}

/** Sends a JSON request; resolves with the parsed body or rejects with an ApiError. */
export async function request(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "content-type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) throw apiError(response, payload);
  return payload;
}

/**
 * `GET /api/health` with the key when there is one: `{ status, auth, functions }`, ready (`status` "ok") or
 * not (503, `status` "unavailable" with the `reason`, and its `cause` for the signing key or on an open
 * server); rejects with an ApiError for any other answer.
 */
export async function health() {
  const response = await fetch("/api/health", { headers: headers() });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok && payload.status !== "unavailable") throw apiError(response, payload);
  return payload;
}

/**
 * Follows an SSE endpoint, calling `onMessage({ id, event, data })` with `data` parsed from JSON.
 * Reconnects after a dropped connection, resuming with `Last-Event-ID`, until `stream.ended` arrives
 * or `signal` aborts. `onState` gets "live", "retrying" or "closed".
 */
export async function follow(path, { onMessage, onState = () => {}, signal }) {
  let lastEventId;
  while (!signal?.aborted) {
    try {
      const extra = lastEventId === undefined ? {} : { "last-event-id": lastEventId };
      const response = await fetch(path, { headers: headers(extra), signal });
      if (!response.ok || !response.body)
        throw new ApiError(response.status, "stream_failed", response.statusText);
      onState("live");
      const ended = await readEvents(response.body, (message) => {
        if (message.id) lastEventId = message.id;
        onMessage(message);
      });
      if (ended) break;
    } catch (error) {
      if (signal?.aborted) break;
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        onState("closed");
        throw error;
      }
    }
    onState("retrying");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  onState("closed");
}

/** Parses an SSE body. Resolves true when a `stream.ended` event was read. */
async function readEvents(body, onMessage) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    buffer += value;
    let boundary = buffer.indexOf("\n\n");
    while (boundary >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const message = parseBlock(block);
      if (message) {
        onMessage(message);
        if (message.event === "stream.ended") {
          reader.cancel().catch(() => {});
          return true;
        }
      }
      boundary = buffer.indexOf("\n\n");
    }
  }
}

function parseBlock(block) {
  const message = { id: undefined, event: "message", data: "" };
  let hasData = false;
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") message.id = value;
    else if (field === "event") message.event = value;
    else if (field === "data") {
      message.data += hasData ? `\n${value}` : value;
      hasData = true;
    }
  }
  if (!hasData) return undefined;
  try {
    message.data = JSON.parse(message.data);
  } catch {
    // keep the raw text
  }
  return message;
}
