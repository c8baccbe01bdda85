import { argumentText, textChunks } from "./chunks.js";
import { type FakeProviderServer, startFakeProvider } from "./server.js";
import type { FakeReplyTurn, FakeTurn, SseEvent, WireFormat } from "./types.js";

const statusNames: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

function functionCallParts(turn: FakeReplyTurn): unknown[] {
  return (turn.toolCalls ?? []).map((call) => ({
    functionCall: {
      ...(call.id ? { id: call.id } : {}),
      name: call.name,
      args: JSON.parse(argumentText(call) || "{}"),
    },
    ...(call.thoughtSignature ? { thoughtSignature: call.thoughtSignature } : {}),
  }));
}

function usageMetadata(turn: FakeReplyTurn) {
  const { input, output } = turn.usage ?? { input: 10, output: 5 };
  return { promptTokenCount: input, candidatesTokenCount: output, totalTokenCount: input + output };
}

function response(parts: unknown[], turn: FakeReplyTurn, final: boolean): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { parts, role: "model" }, index: 0 };
  if (final) candidate.finishReason = turn.finishReason ?? "STOP";
  const body: Record<string, unknown> = { candidates: [candidate], modelVersion: "fake" };
  if (final) body.usageMetadata = usageMetadata(turn);
  return body;
}

/**
 * Gemini (`POST /v1beta/models/{model}:generateContent`): a `GenerateContentResponse`; with
 * `:streamGenerateContent?alt=sse` a series of `GenerateContentResponse` events (CRLF-separated, no end
 * marker): text in pieces, function calls whole (no ids unless scripted), the last event with
 * `finishReason` and `usageMetadata`.
 */
export const geminiWire: WireFormat = {
  isStream: (request) => request.path.endsWith(":streamGenerateContent"),
  json(turn) {
    const parts: unknown[] = turn.text ? [{ text: turn.text }] : [];
    return response([...parts, ...functionCallParts(turn)], turn, true);
  },
  events(turn) {
    const pieces = textChunks(turn).map((text) => response([{ text }], turn, false));
    const calls = functionCallParts(turn);
    const events: SseEvent[] = pieces.map((data) => ({ data }));
    events.push({ data: response(calls, turn, true) });
    return events;
  },
  newline: "\r\n",
  errorBody: (status, message, type) => ({
    error: { code: status, message, status: type ?? statusNames[status] ?? "UNKNOWN" },
  }),
};

/** A fake Gemini server; point `gemini({ baseUrl: server.baseUrl })` (or the SDK at `server.url`) at it. */
export async function startFakeGemini(
  turns: FakeTurn[] = [],
): Promise<FakeProviderServer & { baseUrl: string }> {
  const server = await startFakeProvider(geminiWire, turns);
  return Object.assign(server, { baseUrl: `${server.url}/v1beta` });
}
