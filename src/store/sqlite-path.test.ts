import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/config-error.js";
import { requireSqlitePath } from "./sqlite-path.js";

describe("requireSqlitePath", () => {
  it.each([
    ".fairway/fairway.db",
    "fairway.db",
    "runs.sqlite",
    "runs.sqlite3",
    "./runs",
    "data/runs",
    "/var/lib/app/runs",
    "C:\\data\\runs",
    "Memory.db",
    "./Memory",
    ":memory:",
  ])("%j is a SQLite path", (path) => {
    expect(() => requireSqlitePath(path)).not.toThrow();
  });

  it.each(["", "Memory", " memory", ":MEMORY:", "runs", "runs.", ".fairway", " ./runs.db"])(
    "%j is a ConfigError naming store",
    (path) => {
      expect(() => requireSqlitePath(path)).toThrow(ConfigError);
      expect(() => requireSqlitePath(path)).toThrow(/^store: /);
    },
  );
});
