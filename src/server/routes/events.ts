import { type Context, Hono } from "hono";
import { z } from "zod";
import type { EventPayload } from "../../engine/step-types.js";
import { ForbiddenError } from "../../errors/forbidden-error.js";
import { type AuthVariables, guard } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";
import { type ErrorReplies, inngestErrorFields, statusOf } from "../http-status.js";
import { readJsonBody } from "../read-input.js";

/** Any JSON value: built once (a zod schema per request was a measurable share of the request's CPU). */
const ANY_JSON = z.unknown();

/** What the event routes need from the engine. */
export interface EventSender {
  send(events: EventPayload | EventPayload[]): Promise<{ ids: string[] }>;
}

/**
 * Event API. `POST /api/events` (bearer event key or signing key) and Inngest's `POST /e/:eventKey`
 * (key in the path). Body: one event or an array (≤ 5,000); reply `{ ids, status: 200 }`, ids in input order.
 * `/e/:eventKey` answers errors in Inngest's shape too: `{ ids: [], status, error, code, retryable? }`
 * (`retryable` for a store failure, whose message only the admin reads: see `errorBody`).
 */
export function eventRoutes(
  auth: ServerAuth,
  client: EventSender,
  errors: ErrorReplies,
): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const accept = async (body: EventPayload | EventPayload[]) => {
    const { ids } = await client.send(body);
    return { ids, status: 200 };
  };
  // The body is checked by the engine's rule for events (`validateEvents`), not by a copy of it here.
  const read = (c: Context) =>
    readJsonBody(c, ANY_JSON, "event body") as Promise<EventPayload | EventPayload[]>;
  app.post("/api/events", guard(auth, ["admin", "sender"]), async (c) => c.json(await accept(await read(c))));
  app.post("/e/:eventKey", async (c) => {
    try {
      const principal = auth.authenticate(c.req.param("eventKey"));
      // Only event keys go in a URL (URLs end up in access logs); the signing key is admin everywhere.
      if (!auth.open && principal.role !== "sender") {
        throw new ForbiddenError(
          "Only an event key is accepted in the /e/<key> path: send the signing key in `Authorization: Bearer <key>` to /api/events, and rotate it if it was logged.",
          "event key",
        );
      }
      return c.json(await accept(await read(c)));
    } catch (error) {
      if (statusOf(error) === 500) throw error;
      const { status, body } = errors.reply(c, error);
      return c.json({ ids: [], ...inngestErrorFields(status, body) }, status);
    }
  });
  return app;
}
