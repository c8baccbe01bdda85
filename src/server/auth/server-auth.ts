import { hash, timingSafeEqual } from "node:crypto";
import { AuthError } from "../../errors/auth-error.js";
import { ConfigError } from "../../errors/config-error.js";
import { assertSecret, isTenantToken, verifyTenantToken } from "./tenant-token.js";

/**
 * Who is calling: the admin (signing key, or anyone in open mode), an event sender, or one tenant
 * (`expiresAt`: when its token expires, ms since the epoch; its streams end then).
 */
export type Principal =
  | { role: "admin" }
  | { role: "sender" }
  | { role: "tenant"; userId: string; expiresAt: number };

/**
 * Credentials of the server. Keys are read from the options first, then from the environment when
 * `createServer` is called.
 */
export interface ServerAuthOptions {
  /** Keys that may send events (`POST /e/:eventKey`, or `Authorization: Bearer <key>` on `/api/events`). Env `FAIRWAY_EVENT_KEYS` (comma-separated). */
  eventKeys?: string[];
  /** Key for the admin and run API (`Authorization: Bearer <key>`); it may also send events. Env `FAIRWAY_SIGNING_KEY`. */
  signingKey?: string;
  /** Secret that signs tenant tokens. @default signingKey */
  tokenSecret?: string;
  /**
   * Serve without credentials: every caller is admin. Meant for local development; the server logs a
   * warning and sets `X-Fairway-Auth: open` on every response.
   * @default true when no key is configured (neither in options nor in the environment), else false
   */
  open?: boolean;
}

/** Normalized credentials, see {@link resolveServerAuth}. */
export interface ServerAuth {
  readonly open: boolean;
  /** Resolves the caller from a bearer credential; `undefined` credential means none was sent. */
  authenticate(credential: string | undefined): Principal;
  /** Present when tenant tokens can be issued. */
  readonly tokenSecret: string | undefined;
}

/**
 * Normalizes {@link ServerAuthOptions} against the environment.
 * @throws ConfigError naming the option when a key is shorter than 16 characters, or when `open: false`
 *   is asked with no key configured.
 */
export function resolveServerAuth(options: ServerAuthOptions = {}, env = process.env): ServerAuth {
  const signingKey = options.signingKey ?? env.FAIRWAY_SIGNING_KEY;
  const eventKeys = options.eventKeys ?? splitKeys(env.FAIRWAY_EVENT_KEYS);
  const tokenSecret = options.tokenSecret ?? signingKey;
  if (signingKey !== undefined) assertSecret(signingKey, "auth.signingKey (or FAIRWAY_SIGNING_KEY)");
  if (options.tokenSecret !== undefined) assertSecret(options.tokenSecret, "auth.tokenSecret");
  eventKeys.forEach((key, index) => {
    assertSecret(key, `auth.eventKeys[${index}] (or FAIRWAY_EVENT_KEYS)`);
  });
  const hasKeys = signingKey !== undefined || eventKeys.length > 0;
  const open = options.open ?? !hasKeys;
  if (!open && !hasKeys) {
    throw new ConfigError("auth.open", "is false but no signingKey or eventKeys are configured");
  }
  const admin = signingKey === undefined ? undefined : digest(signingKey);
  const senders = eventKeys.map(digest);

  return {
    open,
    tokenSecret,
    authenticate(credential) {
      if (open) return { role: "admin" };
      if (!credential) {
        throw new AuthError(
          "missing",
          "Credentials required: send `Authorization: Bearer <key or token>` (the CLI: --key or FAIRWAY_SIGNING_KEY / FAIRWAY_EVENT_KEY).",
        );
      }
      if (isTenantToken(credential)) {
        if (!tokenSecret) throw new AuthError("invalid", "This server issues no tenant tokens.");
        const claims = verifyTenantToken(credential, tokenSecret);
        return { role: "tenant", userId: claims.userId, expiresAt: claims.exp };
      }
      const given = digest(credential);
      if (admin && timingSafeEqual(admin, given)) return { role: "admin" };
      if (senders.some((key) => timingSafeEqual(key, given))) return { role: "sender" };
      throw new AuthError("invalid", "Unknown key: it is neither the signing key nor an event key.");
    },
  };
}

/** Splits a comma-separated key list (as in `FAIRWAY_EVENT_KEYS`), dropping blanks. */
export function splitKeys(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
}

/**
 * Fixed-length digest (SHA-256) so keys of any length compare in constant time. `crypto.hash` is the
 * one-shot form of `createHash(...).update(...).digest()`: the same bytes without a Hash object per request.
 */
function digest(value: string): Buffer {
  return hash("sha256", value, "buffer");
}
