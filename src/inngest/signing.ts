/**
 * Inngest's request signing, server side (Inngest `docs/SDK_SPEC.md`, "Signing"; the SDK's
 * `helpers/net.ts` and `helpers/strings.ts`):
 * - a call to an app carries `X-Inngest-Signature: t=<unix seconds>&s=<hex HMAC-SHA256(body + t)>`, the HMAC
 *   key being the signing key's UTF-8 bytes without its `signkey-<env>-` prefix (the SDK checks it against
 *   the canonical JSON of the body, so callers send canonical JSON);
 * - the SDK authenticates its own calls to the server (`/fn/register`) with
 *   `Authorization: Bearer signkey-<env>-<hex SHA-256 of the hex-decoded key>`.
 *
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const PREFIX = /^signkey-\w+-/;

/** The signing key without its `signkey-<env>-` prefix. */
function bareKey(signingKey: string): string {
  return signingKey.replace(PREFIX, "");
}

/**
 * The `X-Inngest-Signature` header value for a request `body` sent at `nowMs` (ms since the epoch).
 * @example signatureHeader('{"event":{}}', "signkey-test-abcd", Date.now()) // "t=1765000000&s=9f…"
 */
export function signatureHeader(body: string, signingKey: string, nowMs: number): string {
  const t = String(Math.floor(nowMs / 1000));
  const s = createHmac("sha256", bareKey(signingKey)).update(body).update(t).digest("hex");
  return `t=${t}&s=${s}`;
}

/**
 * The bearer token the SDK sends for `signingKey`: `signkey-<env>-` + hex SHA-256 of the key's hex bytes
 * (the prefix kept as given; a key without a prefix hashes to a bare digest).
 */
export function hashedSigningKey(signingKey: string): string {
  const prefix = signingKey.match(PREFIX)?.[0] ?? "";
  return `${prefix}${createHash("sha256")
    .update(Buffer.from(bareKey(signingKey), "hex"))
    .digest("hex")}`;
}

/**
 * Whether an `Authorization` header authenticates the SDK for one of `signingKeys` (the current key, then a
 * fallback). Compared in constant time.
 */
export function isSdkAuthorized(header: string | undefined, signingKeys: readonly string[]): boolean {
  const token = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (!token) return false;
  const given = createHash("sha256").update(token).digest();
  return signingKeys.some((key) =>
    timingSafeEqual(createHash("sha256").update(hashedSigningKey(key)).digest(), given),
  );
}
