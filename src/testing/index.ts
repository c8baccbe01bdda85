/**
 * Test helpers for Fairway apps: a fake clock (more to come: mock model, in-memory engine).
 *
 * @module
 */
export { FakeClock } from "./fake-clock.js";
