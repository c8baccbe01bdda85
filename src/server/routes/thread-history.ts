import { Hono } from "hono";
import type { ThreadStore } from "../../agents/history/thread-store.js";
import { ForbiddenError } from "../../errors/forbidden-error.js";
import { NotFoundError } from "../../errors/not-found-error.js";
import { ValidationError } from "../../errors/validation-error.js";
import type { AnyFairway } from "../../fairway.js";
import type { ThreadInfo } from "../../streaming/thread-message.js";
import { slugify } from "../agent-functions.js";
import { type AuthVariables, guard } from "../auth/guard.js";
import type { Principal, ServerAuth } from "../auth/server-auth.js";
import { check, readJsonBody, readQuery } from "../read-input.js";
import {
  listThreadsQuerySchema,
  threadIdSchema,
  threadMessageBodySchema,
  threadMessagesQuerySchema,
} from "../schemas.js";
import { toThreadMessages } from "../thread-messages.js";

/**
 * Threads for chat clients (`fairway-agents/client`), tenant-scoped like the run API: a tenant token acts
 * for its own user only; the signing key names the user (`userId`).
 *
 * - `GET /api/threads?userId&limit` — `{ threads: ThreadInfo[] }`, most recently updated first (limit
 *   1–500, default 50). Needs `history`.
 * - `GET /api/threads/:threadId/messages?userId` — `{ threadId, messages: ThreadMessage[] }`; an unknown
 *   thread has no messages. Needs `history`.
 * - `POST /api/threads/:threadId/messages` `{ input, agent | network, userId? }` — sends the served
 *   agent's or network's event (`<app>/agent-<slug>`, `<app>/network-<slug>`) with `{ input, threadId,
 *   userId }`; replies `{ threadId, eventId }`. Follow the answer on `GET /api/threads/:threadId/stream`.
 *
 * @throws (as HTTP errors) ValidationError 400 for bad fields or an admin call without `userId`;
 *   ForbiddenError 403 for a tenant naming another user; NotFoundError 404 for an agent or network not
 *   served, or thread reads on a server without `history`.
 */
export function threadHistoryRoutes(
  auth: ServerAuth,
  client: AnyFairway,
  history: ThreadStore | undefined,
): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const allowed = guard(auth, ["admin", "tenant"]);
  const store = (): ThreadStore => {
    if (history) return history;
    throw new NotFoundError("thread history", "(none configured: pass createServer({ history }))");
  };

  app.get("/api/threads", allowed, async (c) => {
    const query = readQuery(c, listThreadsQuerySchema);
    const userId = userOf(c.get("principal"), query.userId, "query string");
    const threads: ThreadInfo[] = await store().listThreads(userId, { limit: query.limit });
    return c.json({ threads });
  });

  app.get("/api/threads/:threadId/messages", allowed, async (c) => {
    const threadId = check(threadIdSchema, c.req.param("threadId"), "thread id");
    const query = readQuery(c, threadMessagesQuerySchema);
    const userId = userOf(c.get("principal"), query.userId, "query string");
    const results = await store().getThread(userId, threadId);
    return c.json({ threadId, messages: toThreadMessages(results) });
  });

  app.post("/api/threads/:threadId/messages", allowed, async (c) => {
    const threadId = check(threadIdSchema, c.req.param("threadId"), "thread id");
    const body = await readJsonBody(c, threadMessageBodySchema, "message body");
    const userId = userOf(c.get("principal"), body.userId, "message body");
    const [kind, name] =
      body.agent !== undefined ? ["agent", body.agent] : ["network", body.network as string];
    const functionId = `${kind}-${slugify(name)}`;
    if (!client.functions().some((fn) => fn.id === functionId)) throw new NotFoundError(kind, name);
    const { ids } = await client.send({
      name: `${client.id}/${functionId}`,
      data: { input: body.input, threadId, userId },
    });
    return c.json({ threadId, eventId: ids[0] });
  });
  return app;
}

/**
 * The user a call acts for: a tenant's own (naming another is forbidden), or the one an admin names.
 * @throws ForbiddenError, ValidationError naming `userId` in `what`
 */
function userOf(principal: Principal, named: string | undefined, what: string): string {
  if (principal.role === "tenant") {
    if (named !== undefined && named !== principal.userId) {
      throw new ForbiddenError(
        "A tenant token reads and writes only its own user's threads.",
        "signing key or that user's tenant token",
      );
    }
    return principal.userId;
  }
  if (named === undefined) {
    throw new ValidationError(what, [
      { path: "userId", message: "is required with the signing key (whose threads?)" },
    ]);
  }
  return named;
}
