import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isDeadLocalOwner, newLeaseOwner } from "../../src/engine/lease-owner.js";
import { backlogKey } from "../../src/engine/ready-queue.js";
import { ClosedError, Fairway, SqliteStore } from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { makeFairway, runOf, storeKinds, tempDir } from "./helpers.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("lease owners", () => {
  it("an owner on this host whose process is gone is dead; live, own, remote and odd owners are not", () => {
    const exited = spawnSync(process.execPath, ["-e", "0"]).pid as number;
    const self = newLeaseOwner("me");
    const [host, pid] = self.split(":");
    expect(pid).toBe(String(process.pid));
    expect(host?.startsWith(hostname())).toBe(true);
    expect(isDeadLocalOwner(`${host}:${exited}:x`, self)).toBe(true);
    expect(isDeadLocalOwner(self, self)).toBe(false);
    expect(isDeadLocalOwner(`${host}:${process.ppid}:x`, self)).toBe(false);
    expect(isDeadLocalOwner(`other-host:${exited}:x`, self)).toBe(false);
    expect(isDeadLocalOwner("garbage", self)).toBe(false);
  });

  it("the same hostname with another boot or pid namespace (a replica container, a cloned VM) is not this host", () => {
    const exited = spawnSync(process.execPath, ["-e", "0"]).pid as number;
    const self = newLeaseOwner("me");
    // A replica whose hostname is ours but whose pids live in another namespace: its owner id carries
    // another host part, so neither an exited pid nor our own pid makes its leases dead here.
    expect(isDeadLocalOwner(`${hostname()}/000000000000:${exited}:x`, self)).toBe(false);
    expect(isDeadLocalOwner(`${hostname()}/000000000000:${process.pid}:x`, self)).toBe(false);
  });
});

describe("store option", () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it("defaults to SQLite at .fairway/fairway.db in the working directory", async () => {
    const dir = tempDir();
    process.chdir(dir);
    const fairway = new Fairway({ id: "default", logger: silent });
    await fairway.start();
    expect(fairway.store.kind).toBe("sqlite");
    expect(existsSync(join(dir, ".fairway", "fairway.db"))).toBe(true);
    await fairway.close();
  });
});

describe("a closed client", () => {
  it("refuses every call with a ClosedError naming the method called after close()", async () => {
    const { fairway } = makeFairway("memory");
    fairway.createFunction(
      { id: "f", concurrency: [{ limit: 1, key: "event.data.user" }] },
      { event: "go" },
      async () => "ok",
    );
    await fairway.close();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["start", () => fairway.start()],
      ["send", () => fairway.send({ name: "go", data: {} })],
      ["listRuns", () => fairway.listRuns()],
      ["waitForRun", () => fairway.waitForRun("r")],
      ["limits.set", () => fairway.limits.set("f", "u1", { concurrency: 2 })],
      ["limits.list", () => fairway.limits.list()],
    ];
    for (const [operation, call] of calls) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ClosedError);
      expect(error).toMatchObject({ code: "client_closed", operation });
      expect((error as Error).message).toMatch(`${operation}() was called after close()`);
    }
  });
});

describe("functions defined after start", () => {
  it("a due run of a function not defined yet waits for its definition, then runs", async () => {
    const clock = new FakeClock();
    const path = join(tempDir(), "fairway.db");
    const define = (fairway: Fairway) =>
      fairway.createFunction({ id: "late" }, { event: "go" }, async ({ step }) => {
        await step.sleep("nap", "1m");
        return "woke";
      });
    const first = new Fairway({ id: "a", store: path, clock, logger: silent });
    define(first);
    await first.send({ name: "go" });
    const runId = await runOf(first, "late");
    await clock.advance(0);
    await first.close();
    const second = new Fairway({ id: "a", store: path, clock, logger: silent });
    await second.start();
    await clock.advance("1m");
    expect((await second.getRun(runId))?.status).toBe("sleeping");
    define(second);
    await expect(second.waitForRun(runId)).resolves.toBe("woke");
    await second.close();
  });
});

describe.each(storeKinds)("run output on %s", (kind) => {
  it("an unserializable or over-4 MB return value fails the run without retry", async () => {
    const { fairway } = makeFairway(kind);
    let calls = 0;
    fairway.createFunction({ id: "out" }, { event: "go" }, async ({ event }) => {
      calls++;
      return event.data.big ? "z".repeat(4 * 1024 * 1024) : { fn: () => 1 };
    });
    await fairway.send({ name: "go", data: { big: false } });
    const first = await runOf(fairway, "out");
    await expect(fairway.waitForRun(first)).rejects.toMatchObject({
      error: { code: "serialization_failed" },
    });
    await fairway.send({ name: "go", data: { big: true } });
    const { runs } = await fairway.listRuns({ functionId: "out", limit: 1 });
    await expect(fairway.waitForRun(runs[0]?.id as string)).rejects.toMatchObject({
      error: { code: "limit_exceeded" },
    });
    expect(calls).toBe(2);
    await fairway.close();
  });
});

describe("start-up with leased runs", () => {
  it("resumes at once a run leased by a dead local process; a remote owner's lease is waited out", async () => {
    const file = join(tempDir(), "fairway.db");
    const clock = new FakeClock();
    const store = new SqliteStore({ path: file });
    await store.init();
    const now = clock.now();
    const ev = (id: string) => ({ id, name: "go", data: {}, ts: now, receivedAt: now });
    const run = (id: string) => ({
      id,
      functionId: "f",
      status: "queued" as const,
      eventIds: [id],
      events: [{ name: "go", data: {}, id, ts: now }],
      attempt: 0,
      createdAt: now,
      readyAt: now,
      eventSeq: 0,
      backlogKey: backlogKey("f"),
    });
    await store.acceptEvents({
      now,
      events: [ev("a"), ev("b")],
      runs: [{ run: run("a") }, { run: run("b") }],
    });
    const exited = spawnSync(process.execPath, ["-e", "0"]).pid as number;
    const probe = newLeaseOwner("probe");
    const localHost = probe.split(":")[0];
    await store.claimRun("a", `${localHost}:${exited}:x`, now, 60_000);
    await store.claimRun("b", "other-host:1:x", now, 60_000);
    await store.close();

    const fairway = new Fairway({ id: "t", store: file, clock, logger: silent });
    fairway.createFunction({ id: "f" }, { event: "go" }, async () => "done");
    await fairway.start();
    await expect(fairway.waitForRun("a")).resolves.toBe("done");
    expect((await fairway.getRun("b"))?.status).toBe("running");
    await clock.advance(60_000);
    await expect(fairway.waitForRun("b")).resolves.toBe("done");
    await fairway.close();
  });
});
