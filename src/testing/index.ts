/**
 * Test helpers for Fairway apps: a fake clock (its `advance` lets the engine go idle after each timer; await
 * `fairway.idle()` after other actions) and a scripted model.
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
