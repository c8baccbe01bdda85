import { Hono } from "hono";
import { AuthError } from "../../errors/auth-error.js";
import type { InngestApps } from "../../inngest/inngest-apps.js";
import { isSdkAuthorized } from "../../inngest/signing.js";
import { registerBodySchema } from "../../inngest/wire.js";
import type { ServerAuth } from "../auth/server-auth.js";
import { type ErrorReplies, inngestErrorFields, statusOf } from "../http-status.js";
import { readJsonBody } from "../read-input.js";

/**
 * The Inngest SDK's sync route: `POST /fn/register` (`{ url, appName, functions, … }`), answered
 * `{ ok: true, modified }`; errors in the SDK's shape `{ status, error, code }` (the SDK answers the `PUT` that triggered the sync with that status and message) (400 for a
 * function Fairway cannot run, naming it and the field; 401 without valid credentials).
 * Credentials: the SDK's hashed signing key (`Authorization: Bearer signkey-…`) when `signingKeys` are
 * set; otherwise syncs are accepted only by an open (dev) server.
 */
export function inngestRoutes(
  auth: ServerAuth,
  apps: InngestApps,
  signingKeys: readonly string[],
  errors: ErrorReplies,
): Hono {
  const app = new Hono();
  app.post("/fn/register", async (c) => {
    try {
      if (signingKeys.length > 0) {
        if (!isSdkAuthorized(c.req.header("authorization"), signingKeys)) {
          throw new AuthError(
            "invalid",
            "The app's signing key (INNGEST_SIGNING_KEY) does not match this server's.",
          );
        }
      } else if (!auth.open) {
        throw new AuthError(
          "missing",
          "This server accepts app syncs only with a signing key: start it with INNGEST_SIGNING_KEY (the app's key).",
        );
      }
      const body = await readJsonBody(c, registerBodySchema, "sync body");
      return c.json(apps.register(body));
    } catch (error) {
      if (statusOf(error) === 500) throw error;
      const { status, body } = errors.reply(c, error);
      return c.json(inngestErrorFields(status, body), status);
    }
  });
  return app;
}
