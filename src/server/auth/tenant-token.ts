import { createHmac, timingSafeEqual } from "node:crypto";
import ms from "ms";
import { parse as secureParse } from "secure-json-parse";
import { z } from "zod";
import { AuthError } from "../../errors/auth-error.js";
import { ConfigError } from "../../errors/config-error.js";

const PREFIX = "fwt1";

/** What a tenant token carries: the user it may read for, and its expiry in ms since the epoch. */
export interface TenantTokenClaims {
  userId: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

/** Options of {@link createTenantToken}. */
export interface CreateTenantTokenOptions {
  /** The tenant (user) whose runs and streams the token may read. 1–256 characters. */
  userId: string;
  /** The server's token secret (`auth.tokenSecret`, else `auth.signingKey`). At least 16 characters. */
  secret: string;
  /** Lifetime: ms or an `ms`-style string (`"15m"`). Between 1 s and 24 h. @default "15m" */
  expiresIn?: number | string;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
}

const claimsSchema = z.strictObject({
  userId: z.string().min(1).max(256),
  exp: z.number().int().positive(),
});

const MAX_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Makes a short-lived tenant token that lets a browser read only `userId`'s runs and streams.
 * Format: `fwt1.<base64url(JSON {userId, exp})>.<base64url(HMAC-SHA256(secret, payload segment))>`.
 *
 * @throws ConfigError when the secret is shorter than 16 characters, the userId is empty or too long,
 *   or `expiresIn` is not a duration between 1 s and 24 h.
 * @example createTenantToken({ userId: "user_1", secret: process.env.FAIRWAY_SIGNING_KEY!, expiresIn: "10m" })
 */
export function createTenantToken(options: CreateTenantTokenOptions): { token: string; expiresAt: number } {
  assertSecret(options.secret, "secret");
  if (options.userId.length < 1 || options.userId.length > 256) {
    throw new ConfigError("userId", "must be 1–256 characters", options.userId);
  }
  const lifetime = toMs(options.expiresIn ?? "15m");
  if (lifetime === undefined || lifetime < 1000 || lifetime > MAX_LIFETIME_MS) {
    throw new ConfigError("expiresIn", "must be a duration between 1s and 24h", options.expiresIn);
  }
  const exp = Math.floor((options.now ?? Date.now)() + lifetime);
  const payload = Buffer.from(JSON.stringify({ userId: options.userId, exp })).toString("base64url");
  return { token: `${PREFIX}.${payload}.${sign(options.secret, payload)}`, expiresAt: exp };
}

/** True when `value` has the shape of a tenant token (it may still be invalid or expired). */
export function isTenantToken(value: string): boolean {
  return value.startsWith(`${PREFIX}.`);
}

/**
 * Checks a tenant token's signature (constant-time) and expiry and returns its claims. The signature must
 * be exactly the base64url text the server makes (no padding, no other spelling of the same bytes): a
 * token has one valid form.
 *
 * @throws AuthError `reason: "invalid"` for a malformed token or a wrong signature,
 *   `reason: "expired"` when `exp <= now()`.
 */
export function verifyTenantToken(
  token: string,
  secret: string,
  now: () => number = Date.now,
): TenantTokenClaims {
  const parts = token.split(".");
  const [prefix, payload, signature] = parts;
  if (parts.length !== 3 || prefix !== PREFIX || !payload || !signature) {
    throw new AuthError("invalid", "Tenant token is malformed: expected fwt1.<payload>.<signature>.");
  }
  // Compared as text, not decoded: decoding would accept `=` padding and other spellings of the bytes.
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AuthError(
      "invalid",
      "Tenant token signature does not match: it was not made with this server's secret.",
    );
  }
  let claims: TenantTokenClaims;
  try {
    claims = claimsSchema.parse(secureParse(Buffer.from(payload, "base64url").toString("utf8")));
  } catch {
    throw new AuthError("invalid", "Tenant token payload is not {userId, exp}.");
  }
  if (claims.exp <= now()) {
    throw new AuthError("expired", "Tenant token has expired: ask the app's backend for a new one.");
  }
  return claims;
}

/** Throws a ConfigError naming `path` when a secret is too short to sign with. */
export function assertSecret(secret: string, path: string): void {
  if (typeof secret !== "string" || secret.length < 16) {
    throw new ConfigError(path, "must be a string of at least 16 characters");
  }
}

function sign(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("base64url");
}

function toMs(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  const parsed = ms(value as ms.StringValue);
  return typeof parsed === "number" && Number.isFinite(parsed) ? parsed : undefined;
}
