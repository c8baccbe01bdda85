import { Hono } from "hono";
import type { ServerAuth } from "../auth/server-auth.js";

/**
 * `GET /api/health` (no credentials): `{ status: "ok", auth: "open" | "keys", functions }` — enough for
 * a load balancer and for the dashboard to know whether to ask for a key; no run data.
 */
export function healthRoutes(auth: ServerAuth, functionCount: () => number): Hono {
  const app = new Hono();
  app.get("/api/health", (c) =>
    c.json({ status: "ok", auth: auth.open ? "open" : "keys", functions: functionCount() }),
  );
  return app;
}
