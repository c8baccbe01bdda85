/**
 * Wake-up notices between workers (LISTEN/NOTIFY): two Fairway clients on one PostgreSQL schema and one fake
 * clock that the test never advances, so no sweep runs after start-up; only a notice can tell a worker about
 * work another one stored.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { PostgresStore } from "../../src/store/postgres/index.js";
import type { StoreWork } from "../../src/store/store.js";
import { type DurableLocation, durableLocation, TEST_DATABASE_URL, twoWorkers } from "../helpers/postgres.js";
import { signal, tempDir } from "./helpers.js";

let location: DurableLocation;
afterEach(async () => {
  await location.remove();
});

describe("wake-up notices between two workers sharing one PostgreSQL schema", () => {
  it("a run that worker a stores while at capacity starts on worker b without a sweep", async () => {
    location = durableLocation("postgres", tempDir());
    const startedOn: Record<string, number> = { a: 0, b: 0 };
    const bothStarted = signal();
    const release = signal();
    const { a, b, close } = await twoWorkers(
      location,
      (fairway, name) => {
        fairway.createFunction({ id: "work" }, { event: "work" }, async () => {
          startedOn[name] = (startedOn[name] ?? 0) + 1;
          if ((startedOn.a ?? 0) + (startedOn.b ?? 0) === 2) bothStarted.resolve();
          await release.promise;
        });
      },
      { maxConcurrentRuns: 1 },
    );
    await a.send([{ name: "work" }, { name: "work" }]);
    // Worker a runs one (its capacity); the other starts on b, which only the notice told.
    await bothStarted.promise;
    expect(startedOn).toEqual({ a: 1, b: 1 });
    release.resolve();
    await Promise.all([a.idle(), b.idle()]);
    expect((await b.listRuns({ functionId: "work" })).runs.map((run) => run.status)).toEqual([
      "completed",
      "completed",
    ]);
    await close();
  });

  it("a store hears the other store's notices, not its own, and listens again after its connection drops", async () => {
    location = durableLocation("postgres", tempDir());
    const [sender, listener] = [location.open(), location.open()] as [PostgresStore, PostgresStore];
    await Promise.all([sender.init(), listener.init()]);
    const heard: StoreWork[] = [];
    let wake = signal();
    const onWork = (work: StoreWork) => {
      heard.push(work);
      wake.resolve();
    };
    const own: StoreWork[] = [];
    await sender.subscribe((work) => own.push(work));
    await listener.subscribe(onWork);
    const run = (id: string, readyAt: number) => ({
      run: {
        id,
        functionId: "f",
        status: "queued" as const,
        eventIds: [],
        events: [],
        attempt: 0,
        createdAt: 1000,
        readyAt,
        eventSeq: 0,
        backlogKey: "f\u0000user\u0000x",
      },
    });
    await sender.acceptEvents({ now: 1000, events: [], runs: [run("r1", 1000)] });
    await wake.promise;
    expect(heard).toEqual([{ kind: "backlogs", backlogKeys: ["f\u0000user\u0000x"] }]);

    // The listening connection is cut (as a database restart would): it reconnects and asks for a full read.
    heard.length = 0;
    wake = signal();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND query LIKE $1",
        [`%${listener.schema}%`],
      );
      expect(rows.length).toBe(2); // both stores' listeners
    } finally {
      await admin.end();
    }
    await wake.promise;
    for (;;) {
      if (heard.some((work) => work.kind === "due")) break;
      wake = signal();
      await wake.promise;
    }
    expect(heard).toEqual([{ kind: "backlogs" }, { kind: "due", at: 0 }]);
    heard.length = 0;
    wake = signal();
    await sender.acceptEvents({ now: 1000, events: [], runs: [run("r2", 5000)] });
    await wake.promise;
    expect(heard).toEqual([{ kind: "due", at: 5000 }]);
    // The sender heard none of its own notices: only its listener's reports after the cut.
    expect(own.filter((work) => (work.kind === "backlogs" ? work.backlogKeys : work.at !== 0))).toEqual([]);
  });
});
