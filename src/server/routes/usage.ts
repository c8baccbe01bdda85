import { Hono } from "hono";
import type { Fairway } from "../../fairway.js";
import { type AuthVariables, guard } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";
import { readQuery } from "../read-input.js";
import { usageQuerySchema } from "../schemas.js";

/** The default window of `GET /api/usage`: the last 24 h. */
export const DEFAULT_USAGE_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * `GET /api/usage?since=&until=&function=&tenant=` (signing key): token usage per tenant key × model over
 * the window (`since` inclusive, `until` exclusive; ms since the epoch or ISO-8601; default the last
 * 24 h up to now), with `cost` for models in the client's price table. Replies
 * `{ since, until, rows: TenantModelUsage[] }`.
 */
export function usageRoutes(auth: ServerAuth, client: Fairway): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/api/usage", guard(auth, ["admin"]), async (c) => {
    const query = readQuery(c, usageQuerySchema);
    const until = query.until ?? client.clock.now() + 1;
    const since = query.since ?? until - DEFAULT_USAGE_WINDOW_MS;
    const rows = await client.usage({
      since,
      until,
      ...(query.function !== undefined && { functionId: query.function }),
      ...(query.tenant !== undefined && { tenantKey: query.tenant }),
    });
    return c.json({ since, until, rows });
  });
  return app;
}
