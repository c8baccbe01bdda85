/**
 * Test helpers for Fairway apps: a fake clock and a scripted model (more to come: in-memory engine).
 *
 * @module
 */
export { FakeClock } from "./fake-clock.js";
export {
  type RecordedRequest,
  ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedReply,
  type ScriptedTurn,
  scriptedModel,
} from "./scripted-model.js";
export { settle } from "./settle.js";
