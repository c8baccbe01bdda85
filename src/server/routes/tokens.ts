import { Hono } from "hono";
import { ConfigError } from "../../errors/config-error.js";
import { type AuthVariables, guard } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";
import { createTenantToken } from "../auth/tenant-token.js";
import { readJsonBody } from "../read-input.js";
import { tokenBodySchema } from "../schemas.js";

/**
 * `POST /api/tokens` (signing key): issues a tenant token `{ token, expiresAt }` for `{ userId, expiresIn? }`.
 * An app backend may instead call `createTenantToken` itself with the same secret.
 */
export function tokenRoutes(auth: ServerAuth): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.post("/api/tokens", guard(auth, ["admin"]), async (c) => {
    const body = await readJsonBody(c, tokenBodySchema, "token request");
    if (!auth.tokenSecret) {
      throw new ConfigError("auth.tokenSecret", "is needed to issue tenant tokens (or set auth.signingKey)");
    }
    const options = {
      userId: body.userId,
      secret: auth.tokenSecret,
      ...(body.expiresIn === undefined ? {} : { expiresIn: body.expiresIn }),
    };
    return c.json(createTenantToken(options));
  });
  return app;
}
