/**
 * Test helpers for Fairway apps: a fake clock, `settle()` (let the engine go quiet) and a scripted model.
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
