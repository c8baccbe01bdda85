import { Hono } from "hono";
import type { EventPayload } from "../../engine/step-types.js";
import { type AuthVariables, guard } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";
import { readJsonBody } from "../read-input.js";
import { sendBodySchema } from "../schemas.js";

/** What the event routes need from the engine. */
export interface EventSender {
  send(events: EventPayload | EventPayload[]): Promise<{ ids: string[] }>;
}

/**
 * Event API. `POST /api/events` (bearer event key or signing key) and Inngest's `POST /e/:eventKey`
 * (key in the path). Body: one event or an array (≤ 5,000); reply `{ ids, status: 200 }`, ids in input order.
 */
export function eventRoutes(auth: ServerAuth, client: EventSender): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const accept = async (body: EventPayload | EventPayload[]) => {
    const { ids } = await client.send(body);
    return { ids, status: 200 };
  };
  app.post("/api/events", guard(auth, ["admin", "sender"]), async (c) =>
    c.json(await accept(await readJsonBody(c, sendBodySchema, "event body"))),
  );
  app.post("/e/:eventKey", async (c) => {
    const principal = auth.authenticate(c.req.param("eventKey"));
    if (principal.role === "tenant") {
      return c.json(
        { ids: [], status: 403, error: "A tenant token cannot send events; use an event key." },
        403,
      );
    }
    return c.json(await accept(await readJsonBody(c, sendBodySchema, "event body")));
  });
  return app;
}
