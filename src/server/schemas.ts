import { z } from "zod";
import { RUN_STATUSES } from "../store/run-statuses.js";

// Sent events have no schema here: the engine's `validateEvents` is the one rule for them (fields, limits,
// messages), for `fairway.send` and the event API alike.

/** Run statuses, as the engine reports them. */
export const runStatusSchema = z.enum(RUN_STATUSES);

/** A time bound in a query: ms since the epoch, or an ISO-8601 date. */
const timeSchema = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
]);

/** Query of `GET /api/runs`. */
/** Most runs one `GET /api/runs` lists. */
export const MAX_RUNS_PER_LIST = 500;

export const listRunsQuerySchema = z.strictObject({
  function: z.string().min(1).optional(),
  status: runStatusSchema.optional(),
  concurrencyKey: z.string().min(1).optional(),
  since: timeSchema.optional(),
  until: timeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_RUNS_PER_LIST).default(50),
  cursor: z.string().min(1).optional(),
});

/** Query of `GET /api/usage`: a window (default: the last 24 h), optionally one function or tenant key. */
export const usageQuerySchema = z.strictObject({
  since: timeSchema.optional(),
  until: timeSchema.optional(),
  function: z.string().min(1).optional(),
  tenant: z.string().optional(),
});

/** Query of the SSE endpoints: resume point and (for `EventSource`, which cannot send headers) a tenant token. */
export const streamQuerySchema = z.strictObject({
  lastEventId: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
  token: z.string().optional(),
});

/** Body of `POST /api/runs/:runId/cancel`. */
export const cancelBodySchema = z.strictObject({ reason: z.string().max(1000).optional() }).optional();

/** Body of endpoints that take none: empty, or `{}`. */
export const emptyBodySchema = z.strictObject({}).optional();

/** Body of `POST /api/tokens`. */
export const tokenBodySchema = z.strictObject({
  userId: z.string().min(1).max(256),
  expiresIn: z.union([z.number().int().positive(), z.string().min(1)]).optional(),
});

/** A thread id in a URL: 1–256 characters (clients make UUIDs). */
export const threadIdSchema = z.string().min(1).max(256);

/** Query of `GET /api/threads`: whose threads (admins must name the user) and how many. */
export const listThreadsQuerySchema = z.strictObject({
  userId: z.string().min(1).max(256).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Query of `GET /api/threads/:threadId/messages`. */
export const threadMessagesQuerySchema = z.strictObject({
  userId: z.string().min(1).max(256).optional(),
});

/** Body of `POST /api/threads/:threadId/messages`: the user message and the agent or network to run. */
export const threadMessageBodySchema = z
  .strictObject({
    input: z.string().min(1).max(100_000),
    agent: z.string().min(1).max(256).optional(),
    network: z.string().min(1).max(256).optional(),
    userId: z.string().min(1).max(256).optional(),
  })
  .refine((body) => (body.agent === undefined) !== (body.network === undefined), {
    message: "give exactly one of agent and network (its name or slug)",
    path: ["network"],
  });
