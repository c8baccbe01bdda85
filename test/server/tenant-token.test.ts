import { afterEach, describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors/auth-error.js";
import { ConfigError } from "../../src/errors/config-error.js";
import type { Fairway } from "../../src/fairway.js";
import { createTenantToken, verifyTenantToken } from "../../src/server/auth/tenant-token.js";
import { readSse } from "./helpers/read-sse.js";
import { SIGNING_KEY, type TestServer, testServer } from "./helpers/test-server.js";

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

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  t = undefined;
});

function define(fairway: Fairway) {
  return [
    fairway.createFunction({ id: "wait" }, { event: "app/wait" }, async ({ step }) =>
      step.waitForEvent("never", { event: "app/never", timeout: "1h" }),
    ),
  ];
}

/** A tenant token for `userId` that expires `ms` from now (the shortest lifetime, 1 s, issued earlier). */
function tokenExpiringIn(userId: string, ms: number): string {
  const issuedAt = Date.now() - 1000 + ms;
  return createTenantToken({ userId, secret: SIGNING_KEY, expiresIn: 1000, now: () => issuedAt }).token;
}

describe("streams opened with a tenant token", { timeout: 10_000 }, () => {
  it("end when the token expires, and reconnecting with it is refused", async () => {
    t = testServer(define);
    const runId = await t.start("app/wait", { userId: "u1" });
    await expect.poll(async () => (await t!.fairway.getRun(runId))?.status).toBe("waiting");
    const token = tokenExpiringIn("u1", 300);
    const streams = [
      `/api/stream?token=${token}`,
      `/api/runs/${runId}/stream?token=${token}`,
      `/api/threads/t-1/stream?token=${token}`,
    ];
    const responses = await Promise.all(streams.map((path) => t!.call(path, {}, null)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    const ended = await Promise.all(responses.map((response) => readSse(response)));
    // The run stream had sent its snapshot; none says the thing streamed is over.
    expect(ended.map((messages) => messages.map((m) => m.event))).toEqual([[], ["run.snapshot"], []]);
    const again = await t.call(streams[0]!, {}, null);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({
      error: { code: "unauthorized", message: expect.stringMatching(/expired/) },
    });
  });
});

describe("a tenant token in the query string", () => {
  it("is taken on stream URLs only (EventSource cannot send headers); elsewhere it must be a header", async () => {
    t = testServer(define);
    const runId = await t.start("app/wait", { userId: "u1" });
    const { token } = createTenantToken({ userId: "u1", secret: SIGNING_KEY });
    for (const path of ["/api/runs", `/api/runs/${runId}`]) {
      const response = await t.call(`${path}?token=${token}`, {}, null);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        error: { code: "unauthorized", message: expect.stringMatching(/only on stream URLs/) },
      });
      expect((await t.call(path, {}, token)).status).toBe(200);
    }
  });
});
