import { Hono } from "hono";
import { isAdminRequest } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";
import type { Readiness } from "../readiness.js";

/**
 * `GET /api/health` (no credentials), the readiness check: 200 `{ status: "ok", auth: "open" | "keys",
 * functions }` when the server can serve (its client started, the store answers), else 503 `{ status:
 * "unavailable", reason, cause?, auth, functions }`: the `reason` names what is missing and nothing of the
 * infrastructure (see `checkReadiness`); the `cause` (the error behind it, which may name internal hosts,
 * ports and databases) only for the admin: on an open server, or with `Authorization: Bearer <signing key>`
 * (an event key, a tenant token or a bad credential gets the reply without it, never a 401). Enough for a
 * load balancer to send work only to ready workers, and for the dashboard to know whether to ask for a key;
 * no run data. `GET /api/health/live` (no credentials), the liveness check: 200 `{ status: "ok" }` whenever
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
    // The body depends on the credential: no cache may give the admin's reply to another caller.
    c.header("Vary", "Authorization");
    if (state.ready) return c.json({ status: "ok", ...fields });
    const cause = state.cause !== undefined && isAdminRequest(auth, c) ? { cause: state.cause } : {};
    return c.json({ status: "unavailable", reason: state.reason, ...cause, ...fields }, 503);
  });
  app.get("/api/health/live", (c) => c.json({ status: "ok" }));
  return app;
}
