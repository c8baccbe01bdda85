import { Hono } from "hono";
import type { ServerAuth } from "../auth/server-auth.js";
import type { Readiness } from "../readiness.js";

/**
 * `GET /api/health` (no credentials), the readiness check: 200 `{ status: "ok", auth: "open" | "keys",
 * functions }` when the server can serve (its client started, the store answers), else 503 `{ status:
 * "unavailable", reason, auth, functions }` with the reason (see `checkReadiness`) — enough for a load
 * balancer to send work only to ready workers, and for the dashboard to know whether to ask for a key; no
 * run data. `GET /api/health/live` (no credentials), the liveness check: 200 `{ status: "ok" }` whenever
 * the process answers HTTP, whatever the store (restart a worker that fails it, never one whose database is
 * away).
 */
export function healthRoutes(
  auth: ServerAuth,
  functionCount: () => number,
  readiness: () => Promise<Readiness>,
): Hono {
  const app = new Hono();
  app.get("/api/health", async (c) => {
    const fields = { auth: auth.open ? "open" : "keys", functions: functionCount() };
    const state = await readiness();
    if (state.ready) return c.json({ status: "ok", ...fields });
    return c.json({ status: "unavailable", reason: state.reason, ...fields }, 503);
  });
  app.get("/api/health/live", (c) => c.json({ status: "ok" }));
  return app;
}
