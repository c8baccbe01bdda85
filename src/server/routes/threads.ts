import { Hono } from "hono";
import { type AuthVariables, expiryOf, guard } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";
import type { ErrorReplies } from "../http-status.js";
import { readQuery } from "../read-input.js";
import { streamQuerySchema } from "../schemas.js";
import { serveSse } from "../sse.js";
import type { ThreadStreams } from "../thread-streams.js";

/**
 * `GET /api/threads/:threadId/stream` (signing key, or a tenant token for chunks whose `data.userId` is
 * the token's user): the thread's agent events as SSE, event name = chunk `event`, data = the whole chunk,
 * id = the server's sequence number. Ends after the chunk `stream.ended`.
 */
export function threadRoutes(
  auth: ServerAuth,
  streams: ThreadStreams,
  signal: AbortSignal,
  errors: ErrorReplies,
): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/api/threads/:threadId/stream", guard(auth, ["admin", "tenant"], { tokenInQuery: true }), (c) => {
    readQuery(c, streamQuerySchema);
    const threadId = c.req.param("threadId");
    const principal = c.get("principal");
    const until = expiryOf(principal);
    return serveSse(c, {
      buffer: streams.buffer,
      signal,
      onError: (error) => errors.log(c, error),
      ...(until !== undefined && { until }),
      filter: (chunk) =>
        chunk.data.threadId === threadId &&
        (principal.role === "admin" || ("userId" in principal && chunk.data.userId === principal.userId)),
      toMessage: (chunk) => ({ event: chunk.event, data: chunk }),
      isEnd: (chunk) => chunk.event === "stream.ended",
    });
  });
  return app;
}
