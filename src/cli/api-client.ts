import { createParser } from "eventsource-parser";
import { parse as secureParse } from "secure-json-parse";
import { ConfigError } from "../errors/config-error.js";

/** Where the CLI's `send` and `runs` commands reach a Fairway server. */
export interface ApiClientOptions {
  /** Base URL of the server. @default "http://127.0.0.1:3010" (env `FAIRWAY_URL`) */
  url: string;
  /** Bearer credential: an event key (send) or the signing key. Env `FAIRWAY_EVENT_KEY` / `FAIRWAY_SIGNING_KEY`. */
  key?: string;
}

/** An HTTP error reply of the server, with its error code and message. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/** One Server-Sent Event as read by {@link ApiClient.follow}; `data` parsed from JSON. */
export interface StreamMessage {
  id?: string;
  event: string;
  data: unknown;
}

/** A small client of the Fairway HTTP API (docs/api.md) for the CLI. */
export class ApiClient {
  readonly #url: string;
  readonly #key: string | undefined;

  /** @throws ConfigError naming `--url` when `options.url` is not an http(s) URL. */
  constructor(options: ApiClientOptions) {
    if (!isHttpUrl(options.url)) {
      throw new ConfigError(
        "--url (or FAIRWAY_URL)",
        "must be an http(s) URL such as http://127.0.0.1:3010",
        options.url,
      );
    }
    this.#url = options.url.replace(/\/+$/, "");
    this.#key = options.key;
  }

  /** Sends a JSON request and returns the parsed reply. @throws ApiRequestError on a non-2xx reply. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#url}${path}`, {
      method,
      headers: this.#headers(body === undefined ? {} : { "content-type": "application/json" }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = await readReply(response);
    if (!response.ok) throw requestError(response, payload);
    return payload as T;
  }

  /**
   * Reads an SSE endpoint, calling `onMessage` for each event, until `stream.ended`, the server closes
   * the stream, or `signal` aborts. `onOpen` runs once the server accepted the stream, before any event is
   * handled (events meanwhile wait in the socket). @throws ApiRequestError when the server refuses the stream.
   */
  async follow(
    path: string,
    onMessage: (message: StreamMessage) => void,
    options: { signal?: AbortSignal; onOpen?: () => Promise<void> } = {},
  ): Promise<void> {
    const { signal, onOpen } = options;
    const response = await fetch(`${this.#url}${path}`, {
      headers: this.#headers({}),
      ...(signal && { signal }),
    });
    if (!response.ok || !response.body) throw requestError(response, await readReply(response));
    if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
      await response.body.cancel();
      throw notFairway(response);
    }
    await onOpen?.();
    let ended = false;
    const parser = createParser({
      onEvent(event) {
        onMessage({ id: event.id, event: event.event ?? "message", data: secureParse(event.data) });
        if (event.event === "stream.ended") ended = true;
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      while (!ended) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch (error) {
      if (!signal?.aborted) throw error;
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  #headers(extra: Record<string, string>): Record<string, string> {
    return this.#key ? { ...extra, authorization: `Bearer ${this.#key}` } : extra;
  }
}

/** The reply's JSON body (`{}` when empty). @throws ApiRequestError `not_fairway` when it is not JSON */
async function readReply(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return {};
  try {
    return secureParse(text);
  } catch {
    throw notFairway(response);
  }
}

/** The error for a non-2xx reply: the server's `{ error: { code, message } }`, else the HTTP status. */
function requestError(response: Response, payload: unknown): ApiRequestError {
  const { error } = payload as { error?: { code?: string; message?: string } };
  return new ApiRequestError(
    response.status,
    error?.code ?? "http_error",
    error?.message ?? `${response.status} ${response.statusText}`,
  );
}

/** The error for a reply no Fairway server sends (HTML, plain text): most likely a wrong `--url`. */
function notFairway(response: Response): ApiRequestError {
  const type = response.headers.get("content-type") ?? "no content type";
  return new ApiRequestError(
    response.status,
    "not_fairway",
    `${response.url} answered with ${type}, not Fairway's JSON or event stream: is --url (or FAIRWAY_URL) a Fairway server?`,
  );
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}
