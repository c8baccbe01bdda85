/**
 * The load the research desk plays: one heavy user who sends a burst, light users who send a few
 * questions each over time, and a paid user. A plan is a list of timed sends, computed up front and
 * deterministic, so every run of the demo (and its test) sends the same questions at the same offsets.
 *
 * @module
 */
import { ConfigError } from "../../src/index.js";
import type { Question } from "./questions.js";

/** Shape of the load. Times in ms from the start of the load. */
export interface LoadPlanOptions {
  /** Questions the heavy user sends at once, at time 0. Default 200. */
  heavyQuestions?: number;
  /** Number of light users. Default 10. */
  lightUsers?: number;
  /** Questions each light user sends. Default 4. */
  lightQuestionsEach?: number;
  /** Gap between one light user's questions. Default 1500 ms; users are staggered across the gap. */
  lightIntervalMs?: number;
  /** Questions the paid user sends, on the light users' cadence. Default 5. */
  paidQuestions?: number;
  /** First light/paid send, to let the heavy burst build a backlog first. Default 200 ms. */
  lightStartMs?: number;
}

/** One send of the plan. */
export interface PlannedSend {
  atMs: number;
  userId: string;
  plan: "free" | "paid";
  question: Question;
}

/** The heavy user's id in every plan. */
export const HEAVY_USER = "heavy-user";
/** The paid user's id in every plan. */
export const PAID_USER = "paid-user";

function count(path: string, value: number | undefined, fallback: number, min: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min)
    throw new ConfigError(path, `must be an integer >= ${min}`, value);
  return resolved;
}

/** The light user ids of a plan: `light-01` … `light-NN`. */
export function lightUserIds(lightUsers: number): string[] {
  return Array.from({ length: lightUsers }, (_, i) => `light-${String(i + 1).padStart(2, "0")}`);
}

/**
 * Builds the plan: sends sorted by time (then user), questions dealt from `questions` in order, cycling.
 *
 * @throws ConfigError naming the option when a count or interval is negative or not an integer, or when
 *   `questions` is empty.
 */
export function planLoad(questions: readonly Question[], options: LoadPlanOptions = {}): PlannedSend[] {
  if (questions.length === 0) throw new ConfigError("questions", "must not be empty", questions);
  const heavy = count("heavyQuestions", options.heavyQuestions, 200, 0);
  const lightUsers = count("lightUsers", options.lightUsers, 10, 0);
  const lightEach = count("lightQuestionsEach", options.lightQuestionsEach, 4, 0);
  const interval = count("lightIntervalMs", options.lightIntervalMs, 1500, 1);
  const paid = count("paidQuestions", options.paidQuestions, 5, 0);
  const start = count("lightStartMs", options.lightStartMs, 200, 0);
  const timed: Array<Omit<PlannedSend, "question">> = [];
  for (let i = 0; i < heavy; i++) timed.push({ atMs: 0, userId: HEAVY_USER, plan: "free" });
  const light = lightUserIds(lightUsers);
  const stagger = interval / (light.length + 1);
  light.forEach((userId, u) => {
    for (let k = 0; k < lightEach; k++) {
      timed.push({ atMs: Math.round(start + u * stagger + k * interval), userId, plan: "free" });
    }
  });
  for (let k = 0; k < paid; k++) {
    timed.push({
      atMs: Math.round(start + light.length * stagger + k * interval),
      userId: PAID_USER,
      plan: "paid",
    });
  }
  timed.sort((x, y) => x.atMs - y.atMs || (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0));
  return timed.map((send, i) => ({ ...send, question: questions[i % questions.length] as Question }));
}
