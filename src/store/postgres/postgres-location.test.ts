import { describe, expect, it } from "vitest";
import { postgresLocation } from "./postgres-location.js";

describe("postgresLocation", () => {
  it.each([
    ["postgres://app:s3cret@db:5432/fairway", "postgres://app:***@db:5432/fairway"],
    ["postgresql://localhost/test", "postgresql://localhost/test"],
    ["postgres://u:p%40ss@h/db?sslmode=require&password=s3cret#x", "postgres://u:***@h/db"],
    ["postgres://user:p@ss@host/db", "postgres://user:***@host/db"],
    ["postgres:///db?host=/var/run/postgresql", "postgres:///db"],
  ])("%s → %s (password masked, query left out)", (url, shown) => {
    expect(postgresLocation(url, "fairway")).toBe(`${shown} (schema "fairway")`);
  });

  it("shows nothing of a URL that does not parse", () => {
    expect(postgresLocation("postgres://a:b@[bad/db", "app")).toBe('postgres://… (schema "app")');
  });
});
