/**
 * Shared agent types: AgentKit's message shapes (re-exported from the model contract), the user message,
 * and small helpers used across agents, networks and history.
 *
 * @module
 */

import type { StepTools } from "../engine/step-types.js";
import { ConfigError } from "../errors/config-error.js";

export type {
  Message,
  TextMessage,
  ToolCallMessage,
  ToolMessage,
  ToolResultMessage,
} from "../models/spec.js";

/**
 * AgentKit's name for the step tools that tools and history hooks receive (`step.run`, `waitForEvent`,
 * `invoke`, ...). Its type parameter (AgentKit's Inngest client type) is accepted and ignored.
 */
export type GetStepTools<_Client = unknown> = StepTools;

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The shape of `state.data`: any object. `any` values (as AgentKit's `StateData`) so that an `interface`
 * (which has no index signature) can be a network's state type, as in AgentKit's quick start.
 */
// biome-ignore lint/suspicious/noExplicitAny: an interface is assignable to Record<string, any> only.
export type StateData = Record<string, any>;

/**
 * The user's turn, as AgentKit's `UserMessage`. `id` identifies it in thread stores (idempotent writes);
 * `systemPrompt` is appended to each agent's system prompt for this run (in networks too, unlike AgentKit).
 */
export interface UserMessage {
  id: string;
  content: string;
  role: "user";
  /** Client-side state sent along with the message (kept for AgentKit compatibility; not interpreted). */
  state?: Record<string, unknown>;
  /** When the client sent it; a string is converted to a Date. */
  clientTimestamp?: Date | string;
  systemPrompt?: string;
}

/**
 * Normalizes `network.run`/`agent.run` input: a string becomes a UserMessage with id `makeId()`; a
 * UserMessage keeps its id (or gets one) and a string `clientTimestamp` becomes a Date.
 */
export function toUserMessage(input: string | UserMessage, makeId: () => string): UserMessage {
  if (typeof input === "string") return { id: makeId(), content: input, role: "user" };
  const message: UserMessage = { ...input, id: input.id || makeId(), role: "user" };
  if (typeof message.clientTimestamp === "string")
    message.clientTimestamp = new Date(message.clientTimestamp);
  return message;
}

/**
 * Checks a `maxIter` option: a whole number >= 0 (a NaN or fraction could loop forever or off by one).
 *
 * @throws ConfigError at `maxIter` otherwise.
 */
export function assertMaxIter(value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError("maxIter", "must be a whole number >= 0", value);
  }
}
