import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StoreError } from "../../errors/index.js";
import { WalSync } from "./wal-sync.js";

const dbFile = () => join(mkdtempSync(join(tmpdir(), "fairway-wal-sync-")), "test.db");

describe("WalSync", () => {
  it("calls back once the WAL is synced; calls made while an fsync runs share the next one", async () => {
    const file = dbFile();
    writeFileSync(`${file}-wal`, "frames");
    const wal = new WalSync(file);
    const order: string[] = [];
    const synced = (name: string) =>
      new Promise<Error | null>((resolve) =>
        wal.sync((error) => {
          order.push(name);
          resolve(error);
        }),
      );
    const results = await Promise.all([synced("first"), synced("second"), synced("third")]);
    expect(results).toEqual([null, null, null]);
    // "first" started an fsync alone; the two that came while it ran were answered together, after it.
    expect(order).toEqual(["first", "second", "third"]);
    await wal.idle();
    wal.close();
  });

  it("fails its callers with a non-retryable StoreError naming the file when the WAL cannot be synced", async () => {
    const file = dbFile();
    const wal = new WalSync(file);
    const error = await new Promise<Error | null>((resolve) => wal.sync(resolve));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).retryable).toBe(false);
    expect(error?.message).toContain(`${file}-wal`);
    await wal.idle();
  });
});
