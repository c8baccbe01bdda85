import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, Fairway } from "../../src/index.js";
import { MemoryStore } from "../../src/store/memory/memory-store.js";
import { openStore } from "../../src/store/open-store.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { tempDir } from "../engine/helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The ConfigError `new Fairway({ store })` throws. */
function storeError(store: string): ConfigError {
  try {
    new Fairway({ id: "app", store, logger: silent });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for store ${JSON.stringify(store)}`);
}

describe("the store option: a string that is not a SQLite path is a ConfigError, never a file", () => {
  it.each(["Memory", "MEMORY", "mEmOrY", " memory", "memory ", "\tmemory\n", " Memory "])(
    '%j: not "memory" (the in-memory store is spelled in lower case)',
    (store) => {
      const error = storeError(store);
      expect(error.path).toBe("store");
      expect(error.message).toBe(
        `store: ${JSON.stringify(store)} is not "memory": the in-memory store is spelled in lower case, without spaces (a SQLite file path has a directory or an extension)`,
      );
      expect(existsSync(store)).toBe(false);
    },
  );

  it.each([":MEMORY:", ":Memory:", " :memory:"])(
    '%j: not ":memory:" (SQLite\'s in-memory database)',
    (store) => {
      expect(storeError(store).message).toBe(
        `store: ${JSON.stringify(store)} is not ":memory:": SQLite's in-memory database is spelled in lower case, without spaces (a SQLite file path has a directory or an extension)`,
      );
      expect(existsSync(store)).toBe(false);
    },
  );

  it.each(["memroy", "fairway", "sqlite", "my-store_1"])(
    "%j: a bare name is neither a path with a directory nor one with an extension",
    (store) => {
      const error = storeError(store);
      expect(error.path).toBe("store");
      expect(error.message).toBe(
        'store: must be "memory", a postgres:// URL or a SQLite file path, which has a directory or an extension ' +
          `(./name, data/runs, runs.db): a bare name is more likely a typo than a file in the working directory (received ${JSON.stringify(store)})`,
      );
      expect(existsSync(store)).toBe(false);
    },
  );

  it("a bare name that may hold a secret (not letters, digits, _ and -) is not shown", () => {
    const message = storeError("host=db password=s3cret").message;
    expect(message).toMatch(/^store: must be "memory", a postgres:\/\/ URL or a SQLite file path/);
    expect(message).not.toContain("s3cret");
  });

  it.each([" ./runs.db", "runs.db ", "\t/tmp/runs.db", " postgres://app:s3cret@db/app"])(
    "%j: whitespace at either end (the message shows nothing of the value)",
    (store) => {
      const error = storeError(store);
      expect(error.message).toBe(
        'store: has whitespace at its start or end: remove it (a SQLite file path, a postgres:// URL or "memory")',
      );
      expect(error.message).not.toContain("s3cret");
    },
  );
});

describe("the store option: a URL scheme and a colon, or a leading ~, is a ConfigError, never directories", () => {
  it.each([
    ["postgres:/u:Sup3rSecretPw@h/db", "postgres:"],
    ["postgresql:/u:Sup3rSecretPw@h/db", "postgresql:"],
    ["POSTGRES:u:Sup3rSecretPw@h/db", "POSTGRES:"],
  ])("%j: a malformed PostgreSQL URL (the message shows the scheme only)", (store, scheme) => {
    const error = storeError(store);
    expect(error.path).toBe("store");
    expect(error.message).toBe(
      `store: looks like a malformed PostgreSQL URL (${scheme} without //): ` +
        "write postgres://user:password@host:5432/database",
    );
    expect(error.message).not.toContain("Sup3rSecretPw");
    expect(existsSync(scheme)).toBe(false);
  });

  it.each([
    ["file:./f.db", "file:"],
    ["sqlite:runs.db", "sqlite:"],
    ["redis:u:Sup3rSecretPw@h", "redis:"],
    ["mysql://u:Sup3rSecretPw@h/db", "mysql://"],
    ["c:runs.db", "c:"],
  ])("%j: another URL scheme (the message shows %j only)", (store, scheme) => {
    const error = storeError(store);
    expect(error.message).toBe(
      `store: a URL store must be postgres:// or postgresql:// (got ${scheme}); a SQLite store is a file path`,
    );
    expect(error.message).not.toContain("Sup3rSecretPw");
    expect(existsSync(scheme.replace(/\/+$/, ""))).toBe(false);
  });

  it.each(["~/x.db", "~", "~/.fairway/fairway.db", "~app/runs.db"])(
    "%j: a leading ~ (Node does not expand it to the home directory)",
    (store) => {
      expect(storeError(store).message).toBe(
        "store: starts with ~, which Node does not expand to the home directory (it would become a directory " +
          "named ~): use an absolute path, or join(os.homedir(), ...)",
      );
      expect(existsSync("~")).toBe(false);
    },
  );
});

describe("the store option: what opens which store", () => {
  it('"memory" is the MemoryStore; a path with a directory or an extension is a SQLite file there', () => {
    expect(openStore("memory")).toBeInstanceOf(MemoryStore);
    const dir = tempDir();
    for (const path of [join(dir, "runs"), join(dir, "runs.db"), join(dir, "nested", "Memory")]) {
      const store = openStore(path);
      expect(store).toBeInstanceOf(SqliteStore);
      expect(store.location).toBe(path);
      expect(existsSync(path)).toBe(true);
    }
  });

  it('":memory:" is SQLite\'s in-memory database: runs execute, nothing is written to disk, and close() ends it', async () => {
    const fairway = new Fairway({ id: "app", store: ":memory:", logger: silent });
    expect(fairway.store.kind).toBe("sqlite");
    expect(fairway.store.location).toBe(":memory:");
    fairway.createFunction({ id: "double" }, { event: "go" }, async ({ event, step }) =>
      step.run("double", () => (event.data as { n: number }).n * 2),
    );
    await fairway.send({ name: "go", data: { n: 21 } });
    const runs = await fairway.listRuns({ functionId: "double" });
    expect(runs.runs).toHaveLength(1);
    await expect(fairway.waitForRun(runs.runs[0]!.id)).resolves.toBe(42);
    await fairway.close();
    expect(existsSync(":memory:")).toBe(false);
  });
});
