/** A tool call a scripted turn makes. `arguments` as text is sent verbatim (so it may be malformed). */
export interface FakeToolCall {
  /** Provider id; a deterministic one is made up when absent (Gemini sends none unless given). */
  id?: string;
  name: string;
  arguments: string | Record<string, unknown>;
  /** Gemini only: sent as the part's `thoughtSignature`, as thinking models do. */
  thoughtSignature?: string;
}

/** A successful model turn, rendered in the server's wire format (JSON or SSE, as the request asks). */
export interface FakeReplyTurn {
  text?: string;
  toolCalls?: FakeToolCall[];
  /** The provider's own finish/stop reason; defaults to the format's "stop" or "tool" value. */
  finishReason?: string;
  usage?: { input: number; output: number };
  /** How streamed text is cut into deltas; default: one delta per word (with its trailing space). */
  textChunks?: string[];
}

/** One scripted answer of a fake provider server, consumed in order, one per request. */
export type FakeTurn =
  | FakeReplyTurn
  /** An HTTP error with the format's error body (or `body` verbatim) and extra headers (e.g. Retry-After). */
  | {
      error: {
        status: number;
        message?: string;
        type?: string;
        headers?: Record<string, string>;
        body?: string;
      };
    }
  /** Never answers (for timeouts). */
  | { hang: true }
  /** Destroys the connection without an answer (a network error). */
  | { destroy: true }
  /** Any response verbatim (malformed bodies, empty 200s). */
  | { raw: { status?: number; headers?: Record<string, string>; body: string } }
  /** A custom SSE stream: each item is one event (`data` objects are JSON-encoded). */
  | { stream: Array<{ event?: string; data: unknown }> };

/** A request the fake server received. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read recorded JSON bodies freely.
  body: any;
  rawBody: string;
}

/** One SSE event as written on the wire. */
export interface SseEvent {
  event?: string;
  data: unknown;
}

/** How one provider's wire format renders scripted turns. */
export interface WireFormat {
  /** Whether the request asks for a stream. */
  isStream(request: RecordedRequest): boolean;
  /** The JSON body of a successful non-streamed turn; `turnIndex` makes ids deterministic. */
  json(turn: FakeReplyTurn, request: RecordedRequest, turnIndex: number): unknown;
  /** The SSE events of a successful streamed turn (without OpenAI's `[DONE]`, which `done` adds). */
  events(turn: FakeReplyTurn, request: RecordedRequest, turnIndex: number): SseEvent[];
  /** Text written after the last event (OpenAI: `data: [DONE]`). */
  done?: string;
  /** Line ending of SSE lines (Gemini uses CRLF). */
  newline?: string;
  /** The format's error body for a status. */
  errorBody(status: number, message: string, type?: string): unknown;
}
