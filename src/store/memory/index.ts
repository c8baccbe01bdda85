/**
 * `fairway-agents/store/memory`: the in-memory store (tests, throwaway apps).
 *
 * @module
 */
export { MemoryStore } from "./memory-store.js";
