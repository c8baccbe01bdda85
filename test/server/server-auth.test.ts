import { describe, expect, it } from "vitest";
import { resolveServerAuth } from "../../src/server/auth/server-auth.js";
import { createTenantToken } from "../../src/server/auth/tenant-token.js";

const signingKey = "signing-key-0123456789";
const eventKey = "event-key-0123456789ab";

describe("resolveServerAuth", () => {
  it("is open only when no key is configured anywhere", () => {
    expect(resolveServerAuth({}, {}).open).toBe(true);
    expect(resolveServerAuth({}, {}).authenticate(undefined)).toEqual({ role: "admin" });
    expect(resolveServerAuth({}, { FAIRWAY_SIGNING_KEY: signingKey }).open).toBe(false);
    expect(() => resolveServerAuth({ open: false }, {})).toThrow(/auth.open/);
  });

  it("tells the signing key, event keys and tenant tokens apart", () => {
    const auth = resolveServerAuth(
      {},
      { FAIRWAY_SIGNING_KEY: signingKey, FAIRWAY_EVENT_KEYS: ` ${eventKey}, ` },
    );
    expect(auth.authenticate(signingKey)).toEqual({ role: "admin" });
    expect(auth.authenticate(eventKey)).toEqual({ role: "sender" });
    const { token } = createTenantToken({ userId: "u1", secret: signingKey });
    expect(auth.authenticate(token)).toEqual({ role: "tenant", userId: "u1", expiresAt: expect.any(Number) });
  });

  it("rejects missing and unknown credentials with 401 errors", () => {
    const auth = resolveServerAuth({ signingKey }, {});
    expect(() => auth.authenticate(undefined)).toThrow(
      expect.objectContaining({ code: "unauthorized", reason: "missing" }),
    );
    expect(() => auth.authenticate("nope")).toThrow(
      expect.objectContaining({ code: "unauthorized", reason: "invalid" }),
    );
    const { token } = createTenantToken({ userId: "u1", secret: "another-secret-0123456" });
    expect(() => auth.authenticate(token)).toThrow(expect.objectContaining({ reason: "invalid" }));
  });

  it("names the option of a key that is too short", () => {
    expect(() => resolveServerAuth({ eventKeys: ["short"] }, {})).toThrow(/auth.eventKeys\[0\]/);
    expect(() => resolveServerAuth({}, { FAIRWAY_SIGNING_KEY: "x" })).toThrow(/FAIRWAY_SIGNING_KEY/);
  });
});
