import { describe, expect, it } from "vitest";
import { isTransientPgError } from "../../src/store/postgres/transient-error.js";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isTransientPgError", () => {
  it.each([
    ["08006", "connection_failure"],
    ["08001", "sqlclient_unable_to_establish_sqlconnection"],
    ["40001", "serialization_failure"],
    ["40P01", "deadlock_detected"],
    ["53300", "too_many_connections"],
    ["57P01", "admin_shutdown"],
    ["57P03", "cannot_connect_now"],
    ["55P03", "lock_not_available"],
  ])("SQLSTATE %s (%s) is transient", (code) => {
    expect(isTransientPgError(withCode(code))).toBe(true);
  });

  it.each([
    ["23505", "unique_violation"],
    ["42P01", "undefined_table"],
    ["22P05", "untranslatable_character"],
    ["53100", "disk_full"],
    ["57014", "query_canceled"],
    ["08P01", "protocol_violation"],
  ])("SQLSTATE %s (%s) is permanent", (code) => {
    expect(isTransientPgError(withCode(code))).toBe(false);
  });

  it("socket errors and the pg client's dropped-connection messages are transient; SQLSTATE wins over text", () => {
    expect(isTransientPgError(withCode("ECONNREFUSED"))).toBe(true);
    expect(isTransientPgError(withCode("ECONNRESET"))).toBe(true);
    expect(isTransientPgError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isTransientPgError(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isTransientPgError(new AggregateError([withCode("ECONNREFUSED")], "all failed"))).toBe(true);
    expect(isTransientPgError(withCode("23505", "Connection terminated"))).toBe(false);
    expect(isTransientPgError(new Error("syntax error"))).toBe(false);
    expect(isTransientPgError("ECONNREFUSED")).toBe(false);
    expect(isTransientPgError(undefined)).toBe(false);
  });
});
