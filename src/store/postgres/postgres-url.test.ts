import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/config-error.js";
import { requirePostgresUrl, urlScheme } from "./postgres-url.js";

describe("urlScheme", () => {
  it.each([
    ["mysql://u:p@h/db", "mysql://"],
    ["postgres:/u:p@h/db", "postgres:"],
    ["file:./f.db", "file:"],
    ["c:runs.db", "c:"],
    ["svn+ssh://h/r", "svn+ssh://"],
  ])("%j has the scheme %j (nothing after it)", (value, scheme) => {
    expect(urlScheme(value)).toBe(scheme);
  });

  it.each(["C:\\data\\runs.db", "C:/data/runs.db", "d:\\runs", "./f.db", "/var/runs.db", ":memory:", "1a:b"])(
    "%j has none (a path, or no scheme: a Windows drive letter is a path)",
    (value) => {
      expect(urlScheme(value)).toBeUndefined();
    },
  );
});

describe("requirePostgresUrl", () => {
  it("postgres: without // is a malformed PostgreSQL URL, shown by its scheme only", () => {
    const check = () => requirePostgresUrl("DATABASE_URL", "postgres:/u:Sup3rSecretPw@h/db");
    expect(check).toThrow(ConfigError);
    expect(check).toThrow(
      "DATABASE_URL: looks like a malformed PostgreSQL URL (postgres: without //): " +
        "write postgres://user:password@host:5432/database",
    );
    expect(check).not.toThrow(/Sup3rSecretPw/);
  });

  it("another scheme is named (got file:), a URL of the right scheme passes", () => {
    expect(() => requirePostgresUrl("DATABASE_URL", "file:./f.db")).toThrow(
      "DATABASE_URL: must be a postgres:// or postgresql:// URL (got file:)",
    );
    expect(() => requirePostgresUrl("DATABASE_URL", "postgresql://h/db")).not.toThrow();
  });
});
