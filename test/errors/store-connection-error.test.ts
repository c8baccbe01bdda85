import { describe, expect, it } from "vitest";
import { StoreConnectionError } from "../../src/errors/index.js";

describe("StoreConnectionError's message", () => {
  it("a URL without a user: PostgreSQL said once, and the fix is to put a user in the URL", () => {
    const error = new StoreConnectionError(
      { url: "postgres://127.0.0.1/test", source: "store" },
      "28000",
      "no PostgreSQL user name specified in startup packet",
    );
    expect(error.message).toBe(
      "no PostgreSQL user name specified in startup packet (postgres://127.0.0.1/test): the URL names no user " +
        "(pg then takes the USER environment variable): put a role that exists, with its password, in the " +
        "`store` option of `new Fairway({ ... })` (postgres://user:password@host:5432/database)",
    );
  });

  it("a URL with a user: the server's message after PostgreSQL, and the fix names the role", () => {
    const error = new StoreConnectionError(
      { url: "postgres://app:***@db/app", source: "DATABASE_URL" },
      "28P01",
      'password authentication failed for user "app"',
    );
    expect(error.message).toBe(
      'PostgreSQL password authentication failed for user "app" (postgres://app:***@db/app): use a role that ' +
        "exists, with its password, in the DATABASE_URL environment variable",
    );
  });

  it("a missing database named by postgresHistory's connectionString: createdb and where to fix it", () => {
    const error = new StoreConnectionError(
      { url: "postgres://app@db/nope", source: "postgresHistory" },
      "3D000",
      'database "nope" does not exist',
    );
    expect(error.message).toBe(
      'PostgreSQL database "nope" does not exist (postgres://app@db/nope): create it (`createdb nope`) or point ' +
        "the `connectionString` of `postgresHistory({ ... })` at a database that exists",
    );
  });
});
