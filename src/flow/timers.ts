/**
 * The clock flow control's stateful parts (debounce, batching, deadlines) use: the engine passes its
 * injected clock, which has this shape. Type-only.
 *
 * @module
 */

/** Time in ms and one-shot timers on the same time line. */
export interface FlowClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** An event as flow control sees it (the handler's event shape). */
export interface FlowEvent {
  name: string;
  data: Record<string, unknown>;
  id: string;
  ts: number;
  v?: string;
}
