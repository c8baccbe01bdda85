import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeTurn, RecordedRequest, WireFormat } from "./types.js";

/** A running fake provider: its base URL, what it received, and the turns still scripted. */
export interface FakeProviderServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  requests: RecordedRequest[];
  /** Adds turns to the script. */
  push(...turns: FakeTurn[]): void;
  /** Number of scripted turns not yet used. */
  readonly remaining: number;
  close(): Promise<void>;
}

/**
 * Starts a node:http server on 127.0.0.1, port 0, that answers each request with the next scripted turn
 * in `format`'s wire format and records every request (method, path, query, headers, body). When the
 * script is exhausted it answers 500 with a message saying so.
 */
export async function startFakeProvider(
  format: WireFormat,
  turns: FakeTurn[] = [],
): Promise<FakeProviderServer> {
  const script = [...turns];
  const requests: RecordedRequest[] = [];
  let answered = 0;
  const server = createServer(async (req, res) => {
    const request = await record(req);
    requests.push(request);
    const turn = script.shift();
    const turnIndex = answered++;
    if (!turn) return sendJson(res, 500, format.errorBody(500, "fake provider: no scripted turn left"));
    reply(format, turn, request, turnIndex, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    push: (...more) => script.push(...more),
    get remaining() {
      return script.length;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function reply(
  format: WireFormat,
  turn: FakeTurn,
  request: RecordedRequest,
  turnIndex: number,
  res: ServerResponse,
): void {
  if ("hang" in turn) return;
  if ("destroy" in turn) {
    res.socket?.destroy();
    return;
  }
  if ("raw" in turn) {
    res.writeHead(turn.raw.status ?? 200, turn.raw.headers ?? { "content-type": "application/json" });
    res.end(turn.raw.body);
    return;
  }
  if ("error" in turn) {
    const { status, message = `fake error ${status}`, type, headers = {}, body } = turn.error;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body ?? JSON.stringify(format.errorBody(status, message, type)));
    return;
  }
  if ("stream" in turn) sendEvents(res, format, turn.stream);
  else if (format.isStream(request)) sendEvents(res, format, format.events(turn, request, turnIndex));
  else sendJson(res, 200, format.json(turn, request, turnIndex));
}

function sendEvents(
  res: ServerResponse,
  format: WireFormat,
  events: Array<{ event?: string; data: unknown }>,
): void {
  const newline = format.newline ?? "\n";
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  for (const { event, data } of events) {
    const lines = event ? [`event: ${event}`] : [];
    lines.push(`data: ${typeof data === "string" ? data : JSON.stringify(data)}`);
    res.write(`${lines.join(newline)}${newline}${newline}`);
  }
  if (format.done) res.write(`${format.done}${newline}${newline}`);
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString("utf8");
  let body: unknown;
  try {
    body = rawBody ? JSON.parse(rawBody) : undefined;
  } catch {
    body = undefined;
  }
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  return {
    method: req.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body,
    rawBody,
  };
}
