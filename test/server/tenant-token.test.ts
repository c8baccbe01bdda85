import { describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors/auth-error.js";
import { ConfigError } from "../../src/errors/config-error.js";
import { createTenantToken, verifyTenantToken } from "../../src/server/auth/tenant-token.js";

const secret = "s".repeat(32);
const now = () => 1_000_000;

describe("tenant tokens", () => {
  it("round-trips userId and expiry", () => {
    const { token, expiresAt } = createTenantToken({ userId: "user_1", secret, expiresIn: "10m", now });
    expect(expiresAt).toBe(1_000_000 + 600_000);
    expect(verifyTenantToken(token, secret, now)).toEqual({ userId: "user_1", exp: expiresAt });
  });

  it("rejects a token once expired", () => {
    const { token, expiresAt } = createTenantToken({ userId: "u", secret, expiresIn: 1000, now });
    expect(() => verifyTenantToken(token, secret, () => expiresAt)).toThrow(
      expect.objectContaining({ code: "unauthorized", reason: "expired" }),
    );
  });

  it("rejects a token signed with another secret or altered", () => {
    const { token } = createTenantToken({ userId: "u", secret, now });
    expect(() => verifyTenantToken(token, "t".repeat(32), now)).toThrow(AuthError);
    const [prefix, , signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ userId: "admin", exp: 9e12 })).toString("base64url");
    expect(() => verifyTenantToken(`${prefix}.${forged}.${signature}`, secret, now)).toThrow(/signature/);
    expect(() => verifyTenantToken("fwt1.abc", secret, now)).toThrow(/malformed/);
    expect(() => verifyTenantToken(`${token}x`, secret, now)).toThrow(AuthError);
  });

  it("accepts one spelling of the signature only: no padding, no base64 alphabet, no other trailing bits", () => {
    const { token } = createTenantToken({ userId: "u", secret, now });
    const [prefix, payload, signature = ""] = token.split(".");
    const last = signature.at(-1) ?? "";
    // 32 bytes in 43 characters: the last one carries 2 unused bits, so 4 characters decode alike.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const base = alphabet.indexOf(last) & ~3;
    const sameBytes = [0, 1, 2, 3].map((bits) => alphabet[base + bits]).filter((char) => char !== last);
    const variants = [
      `${signature}=`,
      `${signature}==`,
      signature.replaceAll("-", "+").replaceAll("_", "/"),
      ...sameBytes.map((char) => `${signature.slice(0, -1)}${char}`),
      ` ${signature}`,
    ].filter((variant) => variant !== signature);
    expect(variants.length).toBeGreaterThanOrEqual(6);
    for (const variant of variants) {
      expect(Buffer.from(variant, "base64url").equals(Buffer.from(signature, "base64url")), variant).toBe(
        true,
      );
      expect(() => verifyTenantToken(`${prefix}.${payload}.${variant}`, secret, now), variant).toThrow(
        expect.objectContaining({ code: "unauthorized", reason: "invalid" }),
      );
    }
    expect(verifyTenantToken(token, secret, now).userId).toBe("u");
  });

  it("refuses weak secrets and bad lifetimes, naming the field", () => {
    expect(() => createTenantToken({ userId: "u", secret: "short", now })).toThrow(ConfigError);
    expect(() => createTenantToken({ userId: "u", secret, expiresIn: "2d", now })).toThrow(/expiresIn/);
    expect(() => createTenantToken({ userId: "u", secret, expiresIn: "soon", now })).toThrow(/expiresIn/);
    expect(() => createTenantToken({ userId: "", secret, now })).toThrow(/userId/);
  });
});
