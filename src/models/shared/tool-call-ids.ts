import type { Message } from "../spec.js";

/**
 * Hands out tool-call ids that are unique within a conversation (pitfall R15). A provider's id is kept
 * when it has one that is not yet used; otherwise the id is `call_<turn>_<position>`, where `turn` is the
 * number of messages in the request. The same request therefore always yields the same ids, so a replayed
 * run sees identical ids.
 */
export class ToolCallIds {
  readonly #used = new Set<string>();
  readonly #turn: number;

  constructor(history: readonly Message[]) {
    this.#turn = history.length;
    for (const message of history) {
      if (message.type === "tool_call") for (const tool of message.tools) this.#used.add(tool.id);
    }
  }

  /** The id for the call at `position` (0-based) of this turn. */
  assign(providerId: string | null | undefined, position: number): string {
    let id = providerId && !this.#used.has(providerId) ? providerId : `call_${this.#turn}_${position}`;
    for (let n = 1; this.#used.has(id); n++) id = `call_${this.#turn}_${position}_${n}`;
    this.#used.add(id);
    return id;
  }
}
