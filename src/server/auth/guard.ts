import type { Context, MiddlewareHandler } from "hono";
import { AuthError } from "../../errors/auth-error.js";
import { ForbiddenError } from "../../errors/forbidden-error.js";
import type { Principal, ServerAuth } from "./server-auth.js";
import { isTenantToken } from "./tenant-token.js";

/** Hono variables set by {@link guard}. */
export interface AuthVariables {
  principal: Principal;
}

/** Roles that may call an endpoint. */
export type Role = Principal["role"];

const NEEDED: Record<Role, string> = { admin: "signing key", sender: "event key", tenant: "tenant token" };
const ARTICLE: Record<Role, string> = { admin: "a", sender: "an", tenant: "a" };

/**
 * Middleware that authenticates the caller and lets through only `roles`. The credential is
 * `Authorization: Bearer <key|token>`; on stream URLs (`tokenInQuery`) a tenant token may also come as
 * the `token` query parameter (browsers' `EventSource` cannot send headers). Keys are never read from
 * the URL, and elsewhere a `token` parameter is refused (URLs end up in logs).
 *
 * @throws AuthError (401) for missing or bad credentials, ForbiddenError (403) for a role not allowed.
 */
export function guard(
  auth: ServerAuth,
  roles: Role[],
  options: { tokenInQuery?: boolean } = {},
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const principal = auth.authenticate(credentialOf(c, options.tokenInQuery === true || auth.open));
    if (!roles.includes(principal.role)) {
      const needed = roles.map((role) => NEEDED[role]).join(" or ");
      const sent = principal.role;
      throw new ForbiddenError(
        `This endpoint needs ${ARTICLE[roles[0]!]} ${needed}; the credential sent is ${ARTICLE[sent]} ${NEEDED[sent]}.`,
        needed,
      );
    }
    c.set("principal", principal);
    await next();
  };
}

/**
 * The credential of `Authorization: Bearer <credential>`: `undefined` when the request has no such header,
 * `""` when the header is not of that form (`ServerAuth.authenticate` refuses it as missing).
 */
export function bearerCredential(c: Context): string | undefined {
  const header = c.req.header("authorization");
  if (header === undefined) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? "";
}

function credentialOf(c: Context, tokenInQuery: boolean): string | undefined {
  const bearer = bearerCredential(c);
  if (bearer !== undefined) return bearer;
  const token = c.req.query("token");
  if (token !== undefined && !tokenInQuery) {
    throw new AuthError(
      "missing",
      "`?token=` is accepted only on stream URLs (for EventSource); send `Authorization: Bearer <token>` here.",
    );
  }
  return token !== undefined && isTenantToken(token) ? token : undefined;
}

/**
 * Whether the caller of `c` is the admin: the server is open, or `Authorization: Bearer` carries the signing
 * key. A missing, unknown or expired credential is no error here: it is not the admin. What may be shown
 * only to the admin (a store failure's cause, which names internal hosts) is decided by this.
 */
export function isAdminRequest(auth: ServerAuth, c: Context): boolean {
  try {
    return auth.authenticate(bearerCredential(c)).role === "admin";
  } catch (error) {
    if (error instanceof AuthError) return false;
    throw error;
  }
}

/** When the credential of `principal` stops being valid (ms since the epoch): tenant tokens expire, keys do not. */
export function expiryOf(principal: Principal): number | undefined {
  return principal.role === "tenant" ? principal.expiresAt : undefined;
}
