import { Hono } from "hono";
import { z } from "zod";
import { NotFoundError } from "../../errors/not-found-error.js";
import type { Fairway } from "../../fairway.js";
import { type AuthVariables, guard } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";
import { readJsonBody } from "../read-input.js";

/** A PUT body: an object; its fields are checked by `fairway.limits.set` (ConfigError → 400 naming the field). */
const overrideBodySchema = z.record(z.string(), z.unknown());

/**
 * Per-key limit overrides over HTTP (signing key), the same as `fairway.limits`:
 * - `GET /api/limits` — every override: `{ overrides: LimitOverride[] }`;
 * - `GET /api/functions/:id/limits` — the function's overrides;
 * - `GET /api/functions/:id/limits/:key` — one override, 404 when none;
 * - `PUT /api/functions/:id/limits/:key` with `{ concurrency?, throttle?, rateLimit? }` — sets (replaces)
 *   it and returns it; a bad value is a 400 `config_invalid` naming the field, an unknown function a 404;
 * - `DELETE /api/functions/:id/limits/:key` — 204, or 404 when there was none.
 * `:key` is the key value, URL-encoded.
 */
export function limitRoutes(auth: ServerAuth, client: Fairway): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const admin = guard(auth, ["admin"]);
  const known = (functionId: string) => {
    if (!client.functions().some((fn) => fn.id === functionId))
      throw new NotFoundError("function", functionId);
  };
  app.get("/api/limits", admin, async (c) => c.json({ overrides: await client.limits.list() }));
  app.get("/api/functions/:id/limits", admin, async (c) => {
    known(c.req.param("id"));
    return c.json({ overrides: await client.limits.list(c.req.param("id")) });
  });
  app.get("/api/functions/:id/limits/:key", admin, async (c) => {
    const { id, key } = c.req.param();
    const override = await client.limits.get(id, key);
    if (!override) throw new NotFoundError("limit override", `${id}/${key}`);
    return c.json(override);
  });
  app.put("/api/functions/:id/limits/:key", admin, async (c) => {
    const { id, key } = c.req.param();
    const body = await readJsonBody(c, overrideBodySchema, "limit override");
    return c.json(await client.limits.set(id, key, body));
  });
  app.delete("/api/functions/:id/limits/:key", admin, async (c) => {
    const { id, key } = c.req.param();
    if (!(await client.limits.delete(id, key))) throw new NotFoundError("limit override", `${id}/${key}`);
    return c.body(null, 204);
  });
  return app;
}
