/**
 * Fake model provider servers for tests: one per wire format, on 127.0.0.1 and an ephemeral port. Each
 * replays scripted turns (text, tool calls, errors, hangs, dropped connections, raw bodies, custom
 * streams), streams SSE as the provider documents it, and records every request.
 */
export { anthropicWire, startFakeAnthropic } from "./anthropic.js";
export { geminiWire, startFakeGemini } from "./gemini.js";
export { openAiWire, startFakeOpenAi } from "./openai.js";
export { type FakeProviderServer, startFakeProvider } from "./server.js";
export type {
  FakeReplyTurn,
  FakeToolCall,
  FakeTurn,
  RecordedRequest,
  SseEvent,
  WireFormat,
} from "./types.js";
