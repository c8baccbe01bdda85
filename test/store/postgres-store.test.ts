import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, StoreError } from "../../src/errors/index.js";
import { debounceChange } from "../../src/flow/pending-changes.js";
import type { RunAdmission } from "../../src/flow/store-admission.js";
import { openStore } from "../../src/store/open-store.js";
import { migrate, postgresMigrations } from "../../src/store/postgres/migrations.js";
import { isPlainAccept } from "../../src/store/postgres/plain-accept.js";
import { PostgresDatabase } from "../../src/store/postgres/postgres-database.js";
import { PostgresStore, type PostgresStoreOptions } from "../../src/store/postgres/postgres-store.js";
import { workChannel } from "../../src/store/postgres/work-notice.js";
import type { AcceptEventsInput, StepRow, Store, StoredEvent, WaitRow } from "../../src/store/store.js";
import {
  connectionsOpened,
  dropSchema,
  frozenMonotonic,
  lockWaiter,
  TEST_DATABASE_URL,
  testPostgresStore,
  uniqueSchema,
} from "../helpers/postgres.js";
import { retentionContract } from "./retention.contract.js";
import { offerAtomicity, run, storeContract, T0 } from "./store.contract.js";

const openPostgres = async () => {
  const store = testPostgresStore();
  await store.init();
  return store;
};
storeContract("postgres", openPostgres);
offerAtomicity("postgres", openPostgres);
retentionContract("postgres", openPostgres);

function waitingStep(runId: string, id: string): StepRow {
  return {
    runId,
    id,
    name: id,
    op: "waitForEvent",
    status: "waiting",
    position: 0,
    attempts: 0,
    startedAt: T0,
  };
}

/** A wait of `runId`'s step `w` for events named `eventName` stored after `afterSeq`. */
function waitRow(runId: string, eventName: string, afterSeq: number): WaitRow {
  const triggerEvent = { name: "e", data: {}, id: "x", ts: T0 };
  return { id: `${runId}:w`, runId, stepId: "w", eventName, triggerEvent, expiresAt: T0 + 1000, afterSeq };
}

/** `owner` suspends its run `runId` at `now` (ms), asleep until `readyAt` (ms): its lease and slots go. */
function sleepUntil(store: Store, runId: string, owner: string, now: number, readyAt: number) {
  return store.suspendRun({
    runId,
    owner,
    now,
    status: "sleeping",
    readyAt,
    attempt: 0,
    steps: [],
    waits: [],
    awaiting: [],
    children: { now, events: [], runs: [] },
  });
}

/** Stores opened by a test, closed after it (the schema-dropping one last). */
const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0).reverse()) await store.close();
});

/** Two independent stores (two pools, as two worker processes have) on one fresh schema, and its name. */
async function twoWorkers(): Promise<[Store, Store, string]> {
  const schema = uniqueSchema();
  const first = testPostgresStore({ schema });
  const second = new PostgresStore({
    connectionString: TEST_DATABASE_URL,
    schema,
    maxConnections: 4,
    monotonicClock: frozenMonotonic,
  });
  opened.push(first, second);
  await Promise.all([first.init(), second.init()]);
  return [first, second, schema];
}

describe("PostgreSQL store: two stores on one database race each other", () => {
  it("claimRun: each of 40 due runs is leased by exactly one of two workers claiming all at once", async () => {
    const [a, b] = await twoWorkers();
    const ids = Array.from({ length: 40 }, (_, index) => `r${index}`);
    await a.acceptEvents({ now: T0, events: [], runs: ids.map((id) => ({ run: run(id) })) });
    const claims = await Promise.all(
      ids.flatMap((id) => [a.claimRun(id, "wa", T0, 1000), b.claimRun(id, "wb", T0, 1000)]),
    );
    const winners = claims.filter((claim) => claim !== undefined);
    expect(winners.map((claim) => claim.run.id).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const stored = await b.getRun(id);
      const winner = winners.find((claim) => claim.run.id === id);
      expect(stored?.leaseOwner).toBe(winner?.run.leaseOwner);
    }
  });

  it("resolveStep: the same waiting step resolved by both workers at once resolves once", async () => {
    const [a, b] = await twoWorkers();
    for (let round = 0; round < 10; round++) {
      const runId = `r${round}`;
      await a.acceptEvents({ now: T0, events: [], runs: [{ run: run(runId, { status: "waiting" }) }] });
      await a.claimRun(runId, "w0", T0, 1000);
      expect(await a.saveStep(waitingStep(runId, "w"), { owner: "w0", now: T0 })).toBe(true);
      const input = { runId, stepId: "w", status: "completed" as const, now: T0 + 1 };
      const results = await Promise.all([
        a.resolveStep({ ...input, outputText: '"a"' }),
        b.resolveStep({ ...input, outputText: '"b"' }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const [step] = await a.getSteps(runId);
      expect(step?.outputText).toBe(results[0] ? '"a"' : '"b"');
    }
  });

  it("finishRun: a run ended by both workers at once ends once, with one set of sent events", async () => {
    const [a, b] = await twoWorkers();
    for (let round = 0; round < 10; round++) {
      const runId = `r${round}`;
      await a.acceptEvents({ now: T0, events: [], runs: [{ run: run(runId) }] });
      const finish = (store: Store, who: string) =>
        store.finishRun({
          runId,
          status: "completed",
          outputText: `"${who}"`,
          endedAt: T0 + 1,
          send: {
            now: T0 + 1,
            events: [{ id: `${runId}-${who}`, name: "done", data: {}, ts: T0, receivedAt: T0 }],
            runs: [],
          },
        });
      const results = await Promise.all([finish(a, "a"), finish(b, "b")]);
      const ended = results.filter((result) => result !== undefined);
      expect(ended).toHaveLength(1);
      const who = ended[0]?.outputText === '"a"' ? "a" : "b";
      expect(await a.getEvent(`${runId}-${who}`)).toBeDefined();
      expect(await a.getEvent(`${runId}-${who === "a" ? "b" : "a"}`)).toBeUndefined();
    }
  });

  it("acceptEvents: the same dedup key sent through both workers at once creates one run", async () => {
    const [a, b] = await twoWorkers();
    for (let round = 0; round < 10; round++) {
      const dedup = { functionId: "fn", key: `k${round}`, expiresAt: T0 + 1000 };
      const results = await Promise.all([
        a.acceptEvents({ now: T0, events: [], runs: [{ run: run(`a${round}`), dedup }] }),
        b.acceptEvents({ now: T0, events: [], runs: [{ run: run(`b${round}`), dedup }] }),
      ]);
      expect(results.flatMap((result) => result.runs)).toHaveLength(1);
    }
  });

  it("acceptEvents with an offer: one wait offered an event by both workers at once is resolved by one", async () => {
    const [a, b] = await twoWorkers();
    const offer = { candidate: (e: StoredEvent) => e, resolves: (_: WaitRow, e: StoredEvent) => `"${e.id}"` };
    for (let round = 0; round < 10; round++) {
      const runId = `r${round}`;
      await a.acceptEvents({ now: T0, events: [], runs: [{ run: run(runId) }] });
      await a.claimRun(runId, "w0", T0, 1000);
      await a.registerWait({
        lease: { owner: "w0", now: T0 },
        wait: waitRow(runId, `go${round}`, 0),
        pending: waitingStep(runId, "w"),
        matches: () => false,
        completed: (event) => ({ ...waitingStep(runId, "w"), status: "completed", eventId: event.id }),
      });
      const send = (store: Store, id: string) =>
        store.acceptEvents({
          now: T0 + 1,
          events: [{ id, name: `go${round}`, data: {}, ts: T0, receivedAt: T0 + 1 }],
          runs: [],
          offer,
        });
      const results = await Promise.all([send(a, `a${round}`), send(b, `b${round}`)]);
      const winners = results.filter((result) => result.woken?.includes(runId));
      expect(winners).toHaveLength(1);
      const [step] = await a.getSteps(runId);
      expect(step).toMatchObject({ status: "completed", eventId: winners[0]?.events[0]?.id });
      expect(await a.getEvent(`a${round}`)).toBeDefined();
      expect(await a.getEvent(`b${round}`)).toBeDefined();
    }
  });

  it("registerWait against acceptEvents with an offer: the wait takes the event, whichever commits first", async () => {
    const [a, b] = await twoWorkers();
    for (let round = 0; round < 10; round++) {
      const runId = `r${round}`;
      await a.acceptEvents({ now: T0, events: [], runs: [{ run: run(runId) }] });
      await a.claimRun(runId, "wa", T0, 1000);
      const [registered, accepted] = await Promise.all([
        a.registerWait({
          lease: { owner: "wa", now: T0 },
          wait: waitRow(runId, `go${round}`, 0),
          pending: waitingStep(runId, "w"),
          matches: () => true,
          completed: (event) => ({ ...waitingStep(runId, "w"), status: "completed", eventId: event.id }),
        }),
        b.acceptEvents({
          now: T0,
          events: [{ id: `e${round}`, name: `go${round}`, data: {}, ts: T0, receivedAt: T0 }],
          runs: [],
          offer: { candidate: (e) => e, resolves: (_, e) => `"${e.id}"` },
        }),
      ]);
      // Either the wait's own look found the event, or the event's transaction resolved the wait: never lost.
      const byWait = registered.held && registered.event !== undefined;
      expect(byWait !== (accepted.woken ?? []).includes(runId)).toBe(true);
      expect((await a.getSteps(runId))[0]).toMatchObject({ status: "completed", eventId: `e${round}` });
    }
  });
});

describe("PostgreSQL store: a plain accept is one statement (fairway_accept_events)", () => {
  const event = (id: string, name: string) => ({ id, name, data: { id }, ts: T0, receivedAt: T0 });
  const offer = { candidate: (e: StoredEvent) => e, resolves: (_: WaitRow, e: StoredEvent) => `"${e.id}"` };
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("stores the events and their runs, each run with its event's seq, without a transaction", async () => {
    const [a] = await twoWorkers();
    const transactions = vi.spyOn(PostgresDatabase.prototype, "transaction");
    const result = await a.acceptEvents({
      now: T0,
      events: [event("e1", "go"), event("e\u00002", "go\u0000nul")],
      runs: [
        { run: run("r1"), eventIndex: 1 },
        { run: run("r2", { concurrencyKeys: ["k\u0000"] }), eventIndex: 0 },
        { run: run("r3"), eventIndex: 1 },
      ],
      offer,
    });
    expect(transactions).not.toHaveBeenCalled();
    const [first, second] = result.events;
    expect(second!.seq).toBeGreaterThan(first!.seq);
    expect(result.runs.map((r) => [r.id, r.eventSeq])).toEqual([
      ["r1", second!.seq],
      ["r2", first!.seq],
      ["r3", second!.seq],
    ]);
    expect(result.woken).toEqual([]);
    for (const stored of result.runs) expect(await a.getRun(stored.id)).toEqual(stored);
    expect(await a.getEvent("e\u00002")).toEqual(second);
  });

  it("with a wait for one of the names, writes nothing itself and the whole accept offers the events", async () => {
    const [a] = await twoWorkers();
    await a.acceptEvents({ now: T0, events: [], runs: [{ run: run("waiter") }] });
    await a.claimRun("waiter", "w0", T0, 1000);
    await a.registerWait({
      lease: { owner: "w0", now: T0 },
      wait: waitRow("waiter", "go", 0),
      pending: waitingStep("waiter", "w"),
      matches: () => false,
      completed: (e) => ({ ...waitingStep("waiter", "w"), status: "completed", eventId: e.id }),
    });
    const transactions = vi.spyOn(PostgresDatabase.prototype, "transaction");
    const result = await a.acceptEvents({
      now: T0 + 1,
      events: [event("other", "else"), event("e1", "go")],
      runs: [{ run: run("r1"), eventIndex: 0 }],
      offer,
    });
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(result.woken).toEqual(["waiter"]);
    expect((await a.getSteps("waiter"))[0]).toMatchObject({ status: "completed", eventId: "e1" });
    expect(result.runs.map((r) => r.eventSeq)).toEqual([result.events[0]!.seq]);
    // Stored once: the events' seqs are the first two of the schema.
    expect(result.events.map((e) => e.seq)).toEqual([1, 2]);
  });

  it("anything else decided with the events (dedup, admission, flow changes, a run without an event) is the whole accept", () => {
    const base: AcceptEventsInput = {
      now: T0,
      events: [event("e1", "go")],
      runs: [{ run: run("r1"), eventIndex: 0 }],
    };
    expect(isPlainAccept(base)).toBe(true);
    expect(isPlainAccept({ ...base, flow: [] })).toBe(true);
    expect(isPlainAccept({ ...base, events: [], runs: [] })).toBe(false);
    expect(isPlainAccept({ ...base, runs: [{ run: run("r1") }] })).toBe(false);
    const dedup = { functionId: "fn", key: "k", expiresAt: T0 + 1 };
    expect(isPlainAccept({ ...base, runs: [{ run: run("r1"), eventIndex: 0, dedup }] })).toBe(false);
    const admission: RunAdmission = { windows: [] };
    expect(isPlainAccept({ ...base, runs: [{ run: run("r1"), eventIndex: 0, admission }] })).toBe(false);
    const apply = debounceChange({ periodMs: 1000 }, T0);
    const flow = [
      {
        functionId: "fn",
        kind: "debounce" as const,
        key: "k",
        eventIndex: 0,
        apply,
        buildRun: () => undefined,
      },
    ];
    expect(isPlainAccept({ ...base, flow })).toBe(false);
  });
});

/** A completed `step.run` row of run `runId`. */
function doneStep(runId: string, id: string): StepRow {
  return { ...waitingStep(runId, id), op: "run", status: "completed", outputText: `"${id}"`, endedAt: T0 };
}

describe("PostgreSQL store: concurrency slots decided in the claim across workers", () => {
  const perKey = { scope: "fn:fn:event.data.user=u1", limit: 2 };
  const fnWide = { scope: "fn:fn", limit: 3 };
  /** Runs holding a live lease at `now`, from the database (the store's own view, not the claimers'). */
  async function holders(store: Store, ids: string[], now: number): Promise<string[]> {
    const runs = await Promise.all(ids.map((id) => store.getRun(id)));
    return runs
      .filter((run) => run?.status === "running" && (run.leaseExpiresAt ?? 0) > now)
      .map((run) => run!.id);
  }

  it("two workers claiming 30 runs of one scope at once at limit 2: exactly 2 hold it, the rest are refused naming it", async () => {
    const [a, b] = await twoWorkers();
    const ids = Array.from({ length: 30 }, (_, index) => `r${index}`);
    await a.acceptEvents({ now: T0, events: [], runs: ids.map((id) => ({ run: run(id) })) });
    const claims = await Promise.all(
      ids.map((id, index) => (index % 2 ? a : b).claimRun(id, index % 2 ? "wa" : "wb", T0, 1000, [perKey])),
    );
    const admitted = claims.filter((claim) => claim !== undefined && !("refused" in claim));
    const refused = claims.filter((claim) => claim !== undefined && "refused" in claim);
    expect(admitted).toHaveLength(2);
    expect(refused).toEqual(Array.from({ length: 28 }, () => ({ refused: true, scope: perKey.scope })));
    expect(await holders(a, ids, T0)).toHaveLength(2);
  });

  it("one worker's claims of a scope asked at once leave in one transaction: admitted in the order asked while the scope has room, the rest refused, a run held elsewhere not claimed", async () => {
    const [a, b] = await twoWorkers();
    const ids = Array.from({ length: 10 }, (_, index) => `r${index}`);
    await a.acceptEvents({ now: T0, events: [], runs: ids.map((id) => ({ run: run(id) })) });
    const four = { ...perKey, limit: 4 };
    expect(await b.claimRun("r0", "wb", T0, 1000, [four])).toHaveProperty("run");
    const claims = await Promise.all(ids.map((id) => a.claimRun(id, "wa", T0, 1000, [four])));
    expect(claims[0]).toBeUndefined();
    expect(claims.slice(1, 4).map((claim) => (claim && "run" in claim ? claim.run.id : claim))).toEqual([
      "r1",
      "r2",
      "r3",
    ]);
    expect(claims.slice(4)).toEqual(Array.from({ length: 6 }, () => ({ refused: true, scope: four.scope })));
    expect((await holders(a, ids, T0)).sort()).toEqual(["r0", "r1", "r2", "r3"]);
    // The refused runs were not touched: still queued, no lease.
    expect(await a.getRun("r4")).toMatchObject({ status: "queued" });
    expect((await a.getRun("r4"))?.leaseOwner).toBeUndefined();
    // The scope is full, but a holder's retry of its own run (an abandoned execution) takes it again,
    // while a new run asked with it is refused.
    const [retry, fresh] = await Promise.all(
      ["r1", "r4"].map((id) => a.claimRun(id, "wa", T0 + 1, 1000, [four])),
    );
    expect(retry).toMatchObject({ run: { id: "r1", leaseOwner: "wa" } });
    expect(fresh).toEqual({ refused: true, scope: four.scope });
    expect(await holders(a, ids, T0 + 1)).toHaveLength(4);
  });

  it("a first start another worker took is answered with its backlog's next run (serving order, none asked in the same batch); not without `substitute`, not from another backlog, never a started run", async () => {
    const [a, b] = await twoWorkers();
    const heavy = (id: string, queueScore: number) => run(id, { backlogKey: "fn\u0000heavy", queueScore });
    await a.acceptEvents({
      now: T0,
      events: [],
      runs: [
        { run: heavy("h0", T0) },
        { run: heavy("h1", T0 + 1) },
        { run: heavy("h3", T0 + 3) },
        { run: heavy("h2", T0 + 2) },
        { run: heavy("h4", T0 + 4) },
        { run: run("l0", { backlogKey: "fn\u0000light" }) },
      ],
    });
    const slots = [{ scope: "fn:fn", limit: 10 }];
    expect(await b.claimRun("h0", "wb", T0, 1000, slots)).toMatchObject({ run: { id: "h0" } });
    // h2 started before (a resume): never taken in place of another run.
    expect(await b.claimRun("h2", "wb", T0, 1000, slots)).toMatchObject({ run: { id: "h2" } });
    await sleepUntil(b, "h2", "wb", T0, T0);
    // Without `substitute`, a run taken is not claimable.
    expect(await a.claimRun("h0", "wa", T0, 1000, slots)).toBeUndefined();
    // h0 and h1 asked at once: h1 is claimed, h0 is answered with h3 (h2 has started; h1 is in the batch).
    const [forH0, forH1] = await Promise.all(
      ["h0", "h1"].map((id) => a.claimRun(id, "wa", T0, 1000, slots, undefined, true)),
    );
    expect(forH0).toMatchObject({ run: { id: "h3", leaseOwner: "wa", status: "running" } });
    expect(forH1).toMatchObject({ run: { id: "h1", leaseOwner: "wa" } });
    expect(await a.claimRun("h0", "wa", T0, 1000, slots, undefined, true)).toMatchObject({
      run: { id: "h4" },
    });
    // The backlog has no backlogged run left: nothing in its place, and the light backlog's run is not taken.
    expect(await a.claimRun("h0", "wa", T0, 1000, slots, undefined, true)).toBeUndefined();
    expect(await a.getRun("l0")).toMatchObject({ status: "queued" });
  });

  it("one batch of several scope sets: sets whose runs were all taken elsewhere (no substitute) claim nothing, the rest are decided in order against the shared scope", async () => {
    const [a, b] = await twoWorkers();
    const tenant = (id: string, key: string) => run(id, { backlogKey: `fn\u0000${key}` });
    await a.acceptEvents({
      now: T0,
      events: [],
      runs: ["l1", "l2", "l3", "l3b", "l4", "l5"].map((id) => ({ run: tenant(id, id.slice(0, 2)) })),
    });
    const slotsOf = (key: string) => [
      { scope: "fn:fn", limit: 3 },
      { scope: `fn:fn:k=${key}`, limit: 1 },
    ];
    for (const id of ["l2", "l3", "l4"])
      expect(await b.claimRun(id, "wb", T0, 1000, [{ scope: "fn:fn", limit: 3 }])).toMatchObject({
        run: { id },
      });
    await sleepUntil(b, "l3", "wb", T0, T0 + 10_000);
    await sleepUntil(b, "l4", "wb", T0, T0 + 10_000);
    // One turn: five claims, five scope sets sharing "fn:fn" (limit 3, of which b's l2 holds one).
    const outcomes = await Promise.all(
      ["l1", "l2", "l3", "l4", "l5"].map((id) =>
        a.claimRun(id, "wa", T0, 1000, slotsOf(id.slice(0, 2)), undefined, true),
      ),
    );
    expect(outcomes).toEqual([
      expect.objectContaining({ run: expect.objectContaining({ id: "l1" }) }),
      undefined,
      expect.objectContaining({ run: expect.objectContaining({ id: "l3b" }) }),
      undefined,
      { refused: true, scope: "fn:fn" },
    ]);
  });

  it("turns across workers: a slot freed while a less recently served backlog waits is kept for it, whoever asks first; the turn lapses when its claimer stops asking", async () => {
    const [a, b] = await twoWorkers();
    const one = [{ scope: "fn:fn", limit: 1 }];
    const heavy = (id: string) => run(id, { backlogKey: "fn\u0000heavy" });
    await a.acceptEvents({
      now: T0,
      events: [],
      runs: [
        { run: heavy("h1") },
        { run: heavy("h2") },
        { run: heavy("h3") },
        { run: run("l1", { backlogKey: "fn\u0000light" }) },
        { run: run("l2", { backlogKey: "fn\u0000light" }) },
      ],
    });
    const end = (store: Store, runId: string, owner: string, at: number) =>
      store.finishRun({ runId, owner, status: "completed", outputText: "1", endedAt: at });
    expect(await a.claimRun("h1", "wa", T0, 60_000, one)).toMatchObject({ run: { id: "h1" } });
    // The light backlog asks while the heavy one holds the slot: refused, and it waits for its turn.
    expect(await b.claimRun("l1", "wb", T0 + 1, 60_000, one)).toEqual({ refused: true, scope: "fn:fn" });
    await end(a, "h1", "wa", T0 + 2);
    // The slot is free, but the heavy backlog (served at T0) asks first: the light one's turn is kept.
    expect(await a.claimRun("h2", "wa", T0 + 3, 60_000, one)).toEqual({ refused: true, scope: "fn:fn" });
    expect(await b.claimRun("l1", "wb", T0 + 4, 60_000, one)).toMatchObject({ run: { id: "l1" } });
    await end(b, "l1", "wb", T0 + 5);
    // Served now, the light backlog waits no more: the heavy one takes the slot.
    expect(await a.claimRun("h2", "wa", T0 + 6, 60_000, one)).toMatchObject({ run: { id: "h2" } });
    // The light backlog waits again (served at T0 + 4, before the heavy one's T0 + 6) but never asks again:
    // its turn is kept for 2 s, then the heavy backlog's claims are admitted.
    expect(await b.claimRun("l2", "wb", T0 + 7, 60_000, one)).toEqual({ refused: true, scope: "fn:fn" });
    await end(a, "h2", "wa", T0 + 8);
    expect(await a.claimRun("h3", "wa", T0 + 9, 60_000, one)).toEqual({ refused: true, scope: "fn:fn" });
    expect(await a.claimRun("h3", "wa", T0 + 7 + 2000, 60_000, one)).toMatchObject({ run: { id: "h3" } });
  });

  it("turns never hold back a resume: a run that started before takes a freed slot while a start waits for its turn", async () => {
    const [a, b] = await twoWorkers();
    const one = [{ scope: "fn:fn", limit: 1 }];
    await a.acceptEvents({
      now: T0,
      events: [],
      runs: [
        { run: run("h1", { backlogKey: "fn\u0000heavy" }) },
        { run: run("l1", { backlogKey: "fn\u0000light" }) },
      ],
    });
    expect(await a.claimRun("h1", "wa", T0, 60_000, one)).toMatchObject({ run: { id: "h1" } });
    await sleepUntil(a, "h1", "wa", T0 + 1, T0 + 5);
    expect(await b.claimRun("l1", "wb", T0 + 2, 60_000, [{ scope: "fn:fn", limit: 0 }])).toEqual({
      refused: true,
      scope: "fn:fn",
    });
    // The light backlog waits for its turn; h1 wakes up and resumes in the free slot all the same.
    expect(await a.claimRun("h1", "wa", T0 + 5, 60_000, one)).toMatchObject({ run: { id: "h1" } });
    expect(await b.claimRun("l1", "wb", T0 + 6, 60_000, one)).toEqual({ refused: true, scope: "fn:fn" });
  });

  it("a claim with slots keeps quotes, backslashes, NUL and U+0001 in its run id and scopes (sent as literals)", async () => {
    const [a, b] = await twoWorkers();
    const id = "r'1\\x\u0000y\u0001";
    await a.acceptEvents({ now: T0, events: [], runs: [{ run: run(id) }, { run: run("plain") }] });
    const odd = { scope: "fn:fn:event.data.user=o'k\\\u0000", limit: 1 };
    expect(await a.claimRun(id, "w'a", T0, 1000, [odd])).toMatchObject({ run: { id, leaseOwner: "w'a" } });
    expect(await b.claimRun("plain", "wb", T0, 1000, [odd])).toEqual({ refused: true, scope: odd.scope });
  });

  it("a run with two scopes is held to the fuller one, and the slot comes back when a holder suspends or ends", async () => {
    const [a, b] = await twoWorkers();
    const ids = ["k1", "k2", "o1", "o2", "o3"];
    const other = { scope: "fn:fn:event.data.user=u2", limit: 2 };
    await a.acceptEvents({ now: T0, events: [], runs: ids.map((id) => ({ run: run(id) })) });
    // Function-wide limit 3: u1 takes 2, u2 takes 1, then u2's second is refused on the function's scope.
    expect(await a.claimRun("k1", "wa", T0, 1000, [fnWide, perKey])).toHaveProperty("run");
    expect(await b.claimRun("k2", "wb", T0, 1000, [perKey, fnWide])).toHaveProperty("run");
    expect(await a.claimRun("o1", "wa", T0, 1000, [fnWide, other])).toHaveProperty("run");
    expect(await b.claimRun("o2", "wb", T0, 1000, [fnWide, other])).toEqual({
      refused: true,
      scope: "fn:fn",
    });
    // Nothing was written by the refusal: o2 is still claimable.
    expect(await b.getRun("o2")).toMatchObject({ status: "queued" });
    expect((await b.getRun("o2"))?.leaseOwner).toBeUndefined();
    // k1 suspends (a sleep): its slots are free in the same transaction.
    await sleepUntil(a, "k1", "wa", T0 + 1, T0 + 500);
    expect(await b.claimRun("o2", "wb", T0 + 2, 1000, [fnWide, other])).toHaveProperty("run");
    expect(await a.claimRun("o3", "wa", T0 + 2, 1000, [fnWide, other])).toEqual({
      refused: true,
      scope: "fn:fn",
    });
    // o1 completes: one function-wide slot back, but u2 is now full on its own key.
    await a.finishRun({ runId: "o1", owner: "wa", status: "completed", outputText: "1", endedAt: T0 + 3 });
    expect(await a.claimRun("o3", "wa", T0 + 4, 1000, [fnWide, other])).toHaveProperty("run");
    // k1 wakes: every slot of the function is taken again.
    expect(await b.claimRun("k1", "wb", T0 + 500, 1000, [fnWide, perKey])).toEqual({
      refused: true,
      scope: "fn:fn",
    });
  });

  it("an expired lease frees its slot (a killed worker's slots come back after leaseMs), and a renewal keeps it", async () => {
    const [a, b] = await twoWorkers();
    await a.acceptEvents({ now: T0, events: [], runs: ["r1", "r2", "r3"].map((id) => ({ run: run(id) })) });
    const one = { ...perKey, limit: 1 };
    expect(await a.claimRun("r1", "dead", T0, 1000, [one])).toHaveProperty("run");
    expect(await b.claimRun("r2", "wb", T0 + 999, 1000, [one])).toEqual({ refused: true, scope: one.scope });
    const taken = await b.claimRun("r2", "wb", T0 + 1000, 1000, [one]);
    expect(taken).toHaveProperty("run");
    expect(await b.renewLeases("wb", ["r2"], T0 + 5000, T0 + 1500)).toEqual([]);
    expect(await a.claimRun("r3", "wa", T0 + 4000, 1000, [one])).toEqual({ refused: true, scope: one.scope });
    // The dead worker's run is taken over at its own scope: its old row is its own, not another holder.
    expect(await a.claimRun("r1", "wa", T0 + 5000, 1000, [one])).toHaveProperty("run");
  });

  it("a claim with slots returns the run's steps and refuses a run another worker holds as a plain claim does", async () => {
    const [a, b] = await twoWorkers();
    await a.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
    const claimed = await a.claimRun("r1", "wa", T0, 1000, [perKey]);
    expect(claimed).toMatchObject({ run: { id: "r1", leaseOwner: "wa" }, steps: [] });
    await a.saveStep({ ...waitingStep("r1", "s"), op: "run", status: "completed" }, { owner: "wa", now: T0 });
    expect(await b.claimRun("r1", "wb", T0 + 1, 1000, [perKey])).toBeUndefined();
    const again = await a.claimRun("r1", "wa", T0 + 2, 1000, [perKey]);
    expect(again).toMatchObject({ run: { id: "r1" }, steps: [{ id: "s", status: "completed" }] });
  });
});

describe("PostgreSQL store: rate limit, idempotency, singleton and throttle decided across workers", () => {
  const window = (scope: string, limit: number, periodMs: number) => ({
    scope,
    limit,
    periodMs,
    reason: `${scope} full`,
  });
  /** The runs `ids` as stored: status and skip reason. */
  async function outcomes(store: Store, ids: string[]) {
    const runs = await Promise.all(ids.map((id) => store.getRun(id)));
    return runs.map((stored) => ({ status: stored?.status, skipReason: stored?.skipReason }));
  }

  /** Accepts one run per id with `admission`, all at once, alternately through `a` and `b`. */
  async function acceptApart(a: Store, b: Store, ids: string[], admission: RunAdmission) {
    await Promise.all(
      ids.map((id, index) =>
        (index % 2 ? a : b).acceptEvents({ now: T0, events: [], runs: [{ run: run(id), admission }] }),
      ),
    );
  }

  it("two workers accepting 20 runs each at once under a rate limit of 3: exactly 3 queued, the rest skipped with the reason", async () => {
    const [a, b] = await twoWorkers();
    const rate = window("rateLimit:fn\u0000u1", 3, 1000);
    const ids = Array.from({ length: 40 }, (_, index) => `r${index}`);
    await acceptApart(a, b, ids, { windows: [rate] });
    const stored = await outcomes(a, ids);
    expect(stored.filter((outcome) => outcome.status === "queued")).toHaveLength(3);
    expect(stored.filter((outcome) => outcome.status === "skipped")).toEqual(
      Array.from({ length: 37 }, () => ({ status: "skipped", skipReason: rate.reason })),
    );
    // The window is half-open: an admission at T0 counts until T0 + 1000 (excluded).
    const later = (id: string, now: number) =>
      b.acceptEvents({
        now,
        events: [],
        runs: [{ run: run(id, { createdAt: now }), admission: { windows: [rate] } }],
      });
    expect((await later("late1", T0 + 999)).runs[0]).toMatchObject({ status: "skipped" });
    expect((await later("late2", T0 + 1000)).runs[0]).toMatchObject({ status: "queued" });
  });

  it("runs of one accept count for the ones after them; a run refused by one window counts in none", async () => {
    const [a] = await twoWorkers();
    const rate = window("rateLimit:fn\u0000", 2, 1000);
    const idempotency = (key: string) => window(`idempotency:fn\u0000${key}`, 1, 86_400_000);
    const result = await a.acceptEvents({
      now: T0,
      events: [],
      runs: ["k1", "k1", "k2", "k3"].map((key, index) => ({
        run: run(`r${index}`),
        admission: { windows: [rate, idempotency(key)] },
      })),
    });
    // r1 repeats k1 (skipped by idempotency: takes no rate slot), so r2 gets the second slot and r3 none.
    expect(result.runs.map((stored) => stored.skipReason ?? stored.status)).toEqual([
      "queued",
      idempotency("k1").reason,
      "queued",
      rate.reason,
    ]);
    // r3 was refused by the rate limit: its idempotency key k3 is still free.
    const again = await a.acceptEvents({
      now: T0 + 1000,
      events: [],
      runs: [{ run: run("r4"), admission: { windows: [idempotency("k3")] } }],
    });
    expect(again.runs[0]).toMatchObject({ status: "queued" });
  });

  it("debounce: of 40 events joining one debounce through two workers at once under a rate limit of 3, 3 join it and 37 store their run skipped", async () => {
    const [a, b] = await twoWorkers();
    const rate = window("rateLimit:fn\u0000", 3, 60_000);
    const debounce = debounceChange({ periodMs: 1000 }, T0);
    /** One event joining `fn`'s debounce "k" with its rate limit (`DeferralAdmission`), as the engine sends it. */
    const joining = (index: number): AcceptEventsInput => ({
      now: T0,
      events: [{ id: `e${index}`, name: "e", data: {}, ts: T0, receivedAt: T0 }],
      runs: [],
      flow: [
        {
          functionId: "fn",
          kind: "debounce",
          key: "k",
          eventIndex: 0,
          apply: debounce,
          buildRun: () => undefined,
          admission: { windows: [rate], refused: { run: run(`r${index}`) } },
        },
      ],
    });
    const indexes = Array.from({ length: 40 }, (_, index) => index);
    const results = await Promise.all(
      indexes.map((index) => (index % 2 ? a : b).acceptEvents(joining(index))),
    );
    const joined = indexes.filter((index) => results[index]?.runs.length === 0);
    expect(joined).toHaveLength(3);
    // A joining event wrote the entry; a refused one wrote nothing to it and stored its run skipped.
    for (const index of joined) expect(results[index]?.flow).toHaveLength(1);
    const stored = await outcomes(
      a,
      indexes.map((index) => `r${index}`),
    );
    expect(stored.filter((outcome) => outcome.status === undefined)).toHaveLength(3);
    expect(stored.filter((outcome) => outcome.status === "skipped")).toEqual(
      Array.from({ length: 37 }, () => ({ status: "skipped", skipReason: rate.reason })),
    );
    const [entry] = await a.listFlowPending();
    expect(joined.map((index) => `e${index}`)).toContain(entry?.eventIds[0]);
    // The joined events count in the window as runs do: a run of the scope is refused until it moves on.
    const later = (id: string, now: number) =>
      a.acceptEvents({ now, events: [], runs: [{ run: run(id), admission: { windows: [rate] } }] });
    expect((await later("late1", T0 + 59_999)).runs[0]).toMatchObject({ status: "skipped" });
    expect((await later("late2", T0 + 60_000)).runs[0]).toMatchObject({ status: "queued" });
  });

  it("idempotency: two workers accepting one key at once create one run; the other is skipped, not dropped", async () => {
    const [a, b] = await twoWorkers();
    for (let round = 0; round < 10; round++) {
      const key = window(`idempotency:fn\u0000order-${round}`, 1, 86_400_000);
      const ids = [`a${round}`, `b${round}`];
      await acceptApart(a, b, ids, { windows: [key] });
      const stored = await outcomes(a, ids);
      expect(stored.map((outcome) => outcome.status).sort()).toEqual(["queued", "skipped"]);
    }
  });

  it("singleton skip: one holder across workers until it ends; cancel: the new run holds and the old one is reported", async () => {
    const [a, b] = await twoWorkers();
    const skipMode = {
      windows: [],
      singleton: { scope: "singleton:fn\u0000k", key: "k", mode: "skip" as const },
    };
    const ids = Array.from({ length: 10 }, (_, index) => `s${index}`);
    await acceptApart(a, b, ids, skipMode);
    const stored = await outcomes(a, ids);
    const holder = ids[stored.findIndex((outcome) => outcome.status === "queued")]!;
    expect(stored.filter((outcome) => outcome.status === "queued")).toHaveLength(1);
    expect(stored.filter((outcome) => outcome.status === "skipped")).toEqual(
      Array.from({ length: 9 }, () => ({
        status: "skipped",
        skipReason: `singleton: run ${holder} is active for key "k"`,
      })),
    );
    // The holder ends: the key is free for the next run, whichever worker accepts it.
    expect(await a.claimRun(holder, "wa", T0, 1000)).toBeDefined();
    await a.finishRun({ runId: holder, owner: "wa", status: "completed", outputText: "1", endedAt: T0 + 1 });
    const next = await b.acceptEvents({
      now: T0 + 2,
      events: [],
      runs: [{ run: run("s10"), admission: skipMode }],
    });
    expect(next.runs[0]).toMatchObject({ status: "queued" });
    // Mode cancel: the new run is created and the active holder is handed back to be cancelled.
    const cancelMode = { windows: [], singleton: { ...skipMode.singleton, mode: "cancel" as const } };
    const replacing = await a.acceptEvents({
      now: T0 + 3,
      events: [],
      runs: [{ run: run("s11"), admission: cancelMode }],
    });
    expect(replacing.runs[0]).toMatchObject({ status: "queued" });
    expect(replacing.replaced).toEqual([{ runId: "s10", by: "s11" }]);
  });

  it("throttle 2 per second: of 20 first starts claimed at once by two workers 2 are admitted, the rest refused with the GCRA time", async () => {
    const [a, b] = await twoWorkers();
    const throttle = { scope: "fn:u1", limit: 2, periodMs: 1000, burst: 0 };
    const ids = Array.from({ length: 20 }, (_, index) => `t${index}`);
    await a.acceptEvents({ now: T0, events: [], runs: ids.map((id) => ({ run: run(id) })) });
    const claims = await Promise.all(
      ids.map((id, index) =>
        (index % 2 ? a : b).claimRun(id, index % 2 ? "wa" : "wb", T0, 1000, [], throttle),
      ),
    );
    expect(claims.filter((claim) => claim !== undefined && "run" in claim)).toHaveLength(2);
    expect(claims.filter((claim) => claim !== undefined && "refused" in claim)).toEqual(
      Array.from({ length: 18 }, () => ({ refused: true, scope: throttle.scope, retryAt: T0 + 500 })),
    );
    // One more start conforms every 500 ms; a refused claim wrote nothing.
    const refusedId = ids[claims.findIndex((claim) => claim !== undefined && "refused" in claim)]!;
    expect(await a.getRun(refusedId)).toMatchObject({ status: "queued" });
    expect(await b.claimRun(refusedId, "wb", T0 + 499, 1000, [], throttle)).toMatchObject({
      retryAt: T0 + 500,
    });
    expect(await b.claimRun(refusedId, "wb", T0 + 500, 1000, [], throttle)).toHaveProperty("run");
  });

  it("a resume is never throttled, and a start the throttle refuses writes nothing", async () => {
    const [a, b] = await twoWorkers();
    const throttle = { scope: "fn", limit: 1, periodMs: 1000, burst: 0 };
    const slot = { scope: "fn:fn", limit: 5 };
    await a.acceptEvents({ now: T0, events: [], runs: ["x1", "x2"].map((id) => ({ run: run(id) })) });
    expect(await a.claimRun("x1", "wa", T0, 1000, [slot], throttle)).toHaveProperty("run");
    expect(await b.claimRun("x2", "wb", T0, 1000, [slot], throttle)).toEqual({
      refused: true,
      scope: "fn",
      retryAt: T0 + 1000,
    });
    const untouched = await b.getRun("x2");
    expect([untouched?.status, untouched?.leaseOwner, untouched?.startedAt]).toEqual([
      "queued",
      undefined,
      undefined,
    ]);
    // x1 sleeps and resumes at once: a resume, not throttled although the throttle is at its limit.
    await sleepUntil(a, "x1", "wa", T0 + 1, T0 + 2);
    expect(await b.claimRun("x1", "wb", T0 + 2, 1000, [slot], throttle)).toHaveProperty("run");
  });

  it("one worker's throttled claims asked at once are decided together: GCRA in the order asked, a resume among them not throttled, and the TAT stored is that of the starts the slots admitted", async () => {
    const [a, b, schema] = await twoWorkers();
    const ids = ["t0", "t1", "t2", "t3", "t4", "back"];
    await a.acceptEvents({ now: T0, events: [], runs: ids.map((id) => ({ run: run(id) })) });
    // "back" started before (a resume).
    expect(await b.claimRun("back", "wb", T0, 1000)).toHaveProperty("run");
    await sleepUntil(b, "back", "wb", T0, T0);
    const twoPerSecond = { scope: "fn:t", limit: 2, periodMs: 1000, burst: 0 };
    const claims = await Promise.all(ids.map((id) => a.claimRun(id, "wa", T0, 1000, [], twoPerSecond)));
    expect(claims.map((claim) => (claim && "run" in claim ? claim.run.id : claim))).toEqual([
      "t0",
      "t1",
      { refused: true, scope: "fn:t", retryAt: T0 + 500 },
      { refused: true, scope: "fn:t", retryAt: T0 + 500 },
      { refused: true, scope: "fn:t", retryAt: T0 + 500 },
      "back",
    ]);
    const tat = async (scope: string) => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT tat FROM ${schema}.throttles WHERE scope = $1`, [scope]);
        return rows[0]?.tat as number | undefined;
      } finally {
        await client.end();
      }
    };
    expect(await tat("fn:t")).toBe(T0 + 1000);
    // Ten per second, but one slot: of three conforming starts one is claimed, and the TAT counts it alone.
    const tenPerSecond = { scope: "fn:u", limit: 10, periodMs: 1000, burst: 0 };
    const one = [{ scope: "fn:fn", limit: 1 }];
    const slotted = await Promise.all(
      ["t2", "t3", "t4"].map((id) => a.claimRun(id, "wa", T0 + 1, 1000, one, tenPerSecond)),
    );
    expect(slotted.map((claim) => (claim && "run" in claim ? claim.run.id : claim))).toEqual([
      "t2",
      { refused: true, scope: "fn:fn" },
      { refused: true, scope: "fn:fn" },
    ]);
    expect(await tat("fn:u")).toBe(T0 + 1 + 100);
  });
});

describe("PostgreSQL store: group commit against another worker", () => {
  it("checkpoints of the old owner racing a claim by a new one: acknowledged ones are in the claim, refused ones nowhere", async () => {
    const [a, b] = await twoWorkers();
    for (let round = 0; round < 8; round++) {
      const runId = `r${round}`;
      await a.acceptEvents({ now: T0, events: [], runs: [{ run: run(runId) }] });
      expect(await a.claimRun(runId, "wa", T0, 1000)).toBeDefined();
      // Worker a still believes in its lease (its clock says T0 + 500); worker b finds it expired (T0 + 2000).
      const saves: Array<Promise<[string, boolean]>> = [];
      const saveTurn = (turn: number) => {
        for (let index = 0; index < 10; index++) {
          const id = `s${turn}-${index}`;
          saves.push(a.saveStep(doneStep(runId, id), { owner: "wa", now: T0 + 500 }).then((ok) => [id, ok]));
        }
      };
      saveTurn(0);
      const claim = b.claimRun(runId, "wb", T0 + 2000, 1000);
      saveTurn(1);
      // Turn-counting on purpose: the store's group commit batches the writes of one event-loop turn, and the
      // race under test needs turns 1 and 2 in different batches around the claim.
      await new Promise<void>((resolve) => setImmediate(resolve));
      saveTurn(2);
      const claimed = await claim;
      saveTurn(3); // after the claim: refused
      const outcomes = await Promise.all(saves);
      expect(claimed?.run.leaseOwner).toBe("wb");
      const acknowledged = outcomes.filter(([, ok]) => ok).map(([id]) => id);
      expect(outcomes.slice(30).every(([, ok]) => !ok)).toBe(true);
      expect(claimed?.steps.map((step) => step.id).sort()).toEqual(acknowledged.sort());
      expect((await b.getSteps(runId)).map((step) => step.id).sort()).toEqual(acknowledged.sort());
    }
  });

  it("a claim that waited for a checkpoint's lock returns that checkpoint (read after the claim, not before)", async () => {
    const [a, b, schema] = await twoWorkers();
    await a.acceptEvents({ now: T0, events: [], runs: [{ run: run("r") }] });
    await a.claimRun("r", "wa", T0, 1000);
    // A checkpoint of worker a in flight: the fence's share lock on the run row held, its step not committed.
    const writer = new pg.Client({ connectionString: TEST_DATABASE_URL });
    const watcher = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await Promise.all([writer.connect(), watcher.connect()]);
    try {
      await writer.query("BEGIN");
      await writer.query(`SELECT 1 FROM ${schema}.runs WHERE id = 'r' FOR SHARE`);
      await writer.query(
        `INSERT INTO ${schema}.steps (run_id, id, name, op, status, position, attempts, started_at, output)
         VALUES ('r', 's', 's', 'run', 'completed', 0, 1, ${T0}, '"s"')`,
      );
      const claim = b.claimRun("r", "wb", T0 + 2000, 1000);
      await lockWaiter(watcher, "lease_owner = locked.owner");
      await writer.query("COMMIT");
      const claimed = await claim;
      expect(claimed?.run.leaseOwner).toBe("wb");
      expect(claimed?.steps.map((step) => [step.id, step.outputText])).toEqual([["s", '"s"']]);
    } finally {
      await Promise.all([writer.end(), watcher.end()]);
    }
  });
});

describe("PostgreSQL store: a claim with slots or a throttle is decided, and leased, from when its turn comes", () => {
  const HELD_MS = 250;
  /**
   * Holds the advisory lock of slot scope `scope` of `schema` from another connection until `claim` waits for
   * it (a backend waits for that very lock), then `HELD_MS` more (by the server's clock), then lets it go. The
   * claim's outcome and how long it took (ms).
   */
  async function behindLock<T>(
    schema: string,
    scope: string,
    claim: () => Promise<T>,
  ): Promise<{ outcome: T; tookMs: number }> {
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    const watcher = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await Promise.all([holder.connect(), watcher.connect()]);
    const key = "hashtextextended('fairway:slot:' || $1 || ':' || $2, 0)";
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT pg_advisory_xact_lock(${key})`, [schema, scope]);
      const started = performance.now();
      const outcome = claim();
      for (;;) {
        const { rows } = await watcher.query(
          `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
             AND ((classid::bigint << 32) | objid::bigint) = ${key}`,
          [schema, scope],
        );
        if (rows.length > 0) break;
      }
      await holder.query("SELECT pg_sleep($1)", [HELD_MS / 1000]);
      await holder.query("COMMIT");
      const result = await outcome;
      return { outcome: result, tookMs: performance.now() - started };
    } finally {
      await Promise.all([holder.end(), watcher.end()]);
    }
  }

  it("a claim with slots that waited for another worker's lock on its scope gets its whole leaseMs from when it holds it", async () => {
    const [a, , schema] = await twoWorkers();
    await a.acceptEvents({ now: T0, events: [], runs: [{ run: run("r1") }] });
    const slot = { scope: "fn:fn", limit: 1 };
    const { outcome, tookMs } = await behindLock(schema, slot.scope, () =>
      a.claimRun("r1", "wa", T0, 1000, [slot]),
    );
    const claimed = outcome && "run" in outcome ? outcome.run : undefined;
    // Decided at T0 + the wait (at least HELD_MS, at most the whole call), leased 1000 ms from then.
    expect(claimed?.startedAt).toBeGreaterThanOrEqual(T0 + HELD_MS);
    expect(claimed?.startedAt).toBeLessThanOrEqual(T0 + Math.ceil(tookMs));
    expect(claimed?.leaseExpiresAt).toBe((claimed?.startedAt ?? 0) + 1000);
  });

  it("a throttled claim that waited for the throttle's lock is decided by GCRA at the time it holds it", async () => {
    const [a, b, schema] = await twoWorkers();
    await a.acceptEvents({ now: T0, events: [], runs: ["t1", "t2"].map((id) => ({ run: run(id) })) });
    const throttle = { scope: "fn", limit: 1, periodMs: HELD_MS - 50, burst: 0 };
    expect(await a.claimRun("t1", "wa", T0, 1000, [], throttle)).toHaveProperty("run");
    // At T0 the next start would be refused until T0 + 200; it waited HELD_MS for the lock, so it conforms.
    const { outcome, tookMs } = await behindLock(schema, `throttle:${throttle.scope}`, () =>
      b.claimRun("t2", "wb", T0, 1000, [], throttle),
    );
    const claimed = outcome && "run" in outcome ? outcome.run : undefined;
    expect(claimed?.startedAt).toBeGreaterThanOrEqual(T0 + HELD_MS);
    expect(claimed?.startedAt).toBeLessThanOrEqual(T0 + Math.ceil(tookMs));
    expect(claimed?.leaseExpiresAt).toBe((claimed?.startedAt ?? 0) + 1000);
  });

  it("a claim that waited in this process for another claim of its scopes counts that wait (the store's monotonic clock), one that waited for none is decided at its now", async () => {
    let monotonic = 0;
    const store = testPostgresStore({ monotonicClock: () => monotonic });
    opened.push(store);
    await store.init();
    await store.acceptEvents({ now: T0, events: [], runs: ["m1", "m2"].map((id) => ({ run: run(id) })) });
    const slot = { scope: "fn:fn", limit: 2 };
    const { outcome: both } = await behindLock(store.schema, slot.scope, async () => {
      const first = store.claimRun("m1", "w1", T0, 1000, [slot]);
      // Owner w2 does not share w1's batch: it waits in memory for w1's claim, which waits for the lock.
      const second = store.claimRun("m2", "w2", T0, 1000, [slot]);
      monotonic = 5000;
      return Promise.all([first, second]);
    });
    const [first, second] = both.map((claimed) => (claimed && "run" in claimed ? claimed.run : undefined));
    expect(first?.leaseExpiresAt).toBe((first?.startedAt ?? 0) + 1000);
    expect(first?.startedAt).toBeGreaterThanOrEqual(T0 + HELD_MS);
    expect(second).toMatchObject({ startedAt: T0 + 5000, leaseExpiresAt: T0 + 6000 });
    await store.acceptEvents({ now: T0, events: [], runs: [{ run: run("m3") }] });
    expect(
      await store.claimRun("m3", "w3", T0 + 7000, 1000, [{ scope: "fn:other", limit: 1 }]),
    ).toMatchObject({
      run: { startedAt: T0 + 7000, leaseExpiresAt: T0 + 8000 },
    });
  });
});

describe("PostgreSQL store: migrations", () => {
  it("four workers starting at once apply each migration once; init again is a no-op", async () => {
    const schema = uniqueSchema();
    const stores = Array.from(
      { length: 4 },
      () => new PostgresStore({ connectionString: TEST_DATABASE_URL, schema }),
    );
    opened.push(testPostgresStore({ schema }), ...stores);
    await Promise.all(stores.map((store) => store.init()));
    await stores[0]?.init();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      expect(rows).toEqual(postgresMigrations.map((migration) => ({ version: migration.version })));
    } finally {
      await client.end();
    }
  });

  /** Runs `work` with a client on a fresh schema name, dropped afterwards. */
  async function onFreshSchema(work: (client: pg.Client, schema: string) => Promise<void>): Promise<void> {
    const schema = uniqueSchema();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await work(client, schema);
    } finally {
      await client.end();
      await dropSchema(schema);
    }
  }
  const hasTable = async (client: pg.Client, schema: string, table: string) =>
    (await client.query("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2", [schema, table]))
      .rows.length > 0;

  it("applies a version below the highest applied one that is missing (changes land in any order)", () =>
    onFreshSchema(async (client, schema) => {
      const list = [
        { version: 1, sql: "CREATE TABLE a (x INTEGER);" },
        { version: 2, sql: "CREATE TABLE b (x INTEGER);" },
        { version: 3, sql: "CREATE TABLE c (x INTEGER);" },
      ];
      await migrate(client, schema, [list[0], list[2]] as typeof list);
      await migrate(client, schema, list);
      const { rows } = await client.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
      expect(await hasTable(client, schema, "b")).toBe(true);
    }));

  it("a failing migration rolls back with its version bump and throws MigrationError naming it", () =>
    onFreshSchema(async (client, schema) => {
      const list = [
        { version: 1, sql: "CREATE TABLE a (x INTEGER);" },
        { version: 2, sql: "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);" },
      ];
      await expect(migrate(client, schema, list)).rejects.toMatchObject({
        code: "migration_failed",
        version: 2,
      });
      const { rows } = await client.query(`SELECT MAX(version) AS v FROM ${schema}.schema_migrations`);
      expect(rows).toEqual([{ v: 1 }]);
      expect(await hasTable(client, schema, "b")).toBe(false);
    }));
});

describe("PostgreSQL store: text and configuration", () => {
  it("keeps NUL and U+0001 in ids, names and keys (PostgreSQL text cannot hold NUL)", async () => {
    const store = testPostgresStore();
    opened.push(store);
    await store.init();
    const odd = "a\u0000b\u0001c\u0001\u0002";
    await store.acceptEvents({
      now: T0,
      events: [{ id: `e${odd}`, name: `n${odd}`, data: { s: odd }, ts: T0, receivedAt: T0 }],
      runs: [
        { run: run(`r${odd}`, { backlogKey: `fn\u0000${odd}`, concurrencyKeys: [odd] }), eventIndex: 0 },
      ],
    });
    expect(await store.getEvent(`e${odd}`)).toMatchObject({ name: `n${odd}`, data: { s: odd } });
    const claimed = await store.claimRun(`r${odd}`, `w${odd}`, T0, 1000);
    expect(claimed?.run).toMatchObject({
      backlogKey: `fn\u0000${odd}`,
      leaseOwner: `w${odd}`,
      concurrencyKeys: [odd],
    });
    const saved = await store.saveStep(
      { ...waitingStep(`r${odd}`, `s${odd}`), status: "completed", outputText: JSON.stringify(odd) },
      { owner: `w${odd}`, now: T0 },
    );
    expect(saved).toBe(true);
    expect((await store.getSteps(`r${odd}`))[0]).toMatchObject({
      id: `s${odd}`,
      outputText: JSON.stringify(odd),
    });
    expect((await store.listRuns({ concurrencyKey: odd })).runs.map((r) => r.id)).toEqual([`r${odd}`]);
    expect((await store.listRuns({ concurrencyKey: "a" })).runs).toEqual([]);
  });

  it("opens at most 4 connections by default (maxConnections), however many reads wait", async () => {
    const application_name = `fw_pool_${process.pid}_${Date.now().toString(36)}`;
    // No idle timeout: every connection the pool opened is still there to count when the calls are done.
    const store = testPostgresStore({
      maxConnections: undefined,
      pool: { application_name, idleTimeoutMillis: 0 },
    });
    opened.push(store);
    await store.init();
    const opens = await connectionsOpened({
      table: `${pg.escapeIdentifier(store.schema)}.runs`,
      applicationName: application_name,
      call: () => store.getRun("r1"),
      calls: 10,
    });
    expect(opens).toBe(4);
  });

  it("names the field of a bad option (never echoing a connection string)", () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      expect(() => new PostgresStore()).toThrow(/connectionString: is required.*DATABASE_URL/);
      expect(() => new PostgresStore({ connectionString: "mysql://u:secret@h/db" })).toThrow(ConfigError);
      expect(() => new PostgresStore({ connectionString: "mysql://u:secret@h/db" })).not.toThrow(/secret/);
      expect(() => new PostgresStore({ connectionString: TEST_DATABASE_URL, schema: "Bad-Name" })).toThrow(
        /^schema: must be/,
      );
      for (const maxConnections of [0, 1.5, 262_144])
        expect(() => new PostgresStore({ connectionString: TEST_DATABASE_URL, maxConnections })).toThrow(
          /^maxConnections: must be an integer from 1 to 262143 \(PostgreSQL's largest max_connections\)/,
        );
      expect(new PostgresStore({ connectionString: TEST_DATABASE_URL, maxConnections: 262_143 }).kind).toBe(
        "postgres",
      );
      expect(
        () => new PostgresStore({ connectionString: TEST_DATABASE_URL, retry: { attempts: 0 } }),
      ).toThrow(/^retry\.attempts: must be an integer >= 1/);
      expect(
        () => new PostgresStore({ connectionString: TEST_DATABASE_URL, retry: { maxDelayMs: -1 } }),
      ).toThrow(/^retry\.maxDelayMs: must be a finite number of ms >= 0/);
      const monotonicClock = 5 as unknown as () => number;
      expect(() => new PostgresStore({ connectionString: TEST_DATABASE_URL, monotonicClock })).toThrow(
        /^monotonicClock: must be a function returning ms/,
      );
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });

  it("an unknown option or retry field is a ConfigError listing the known ones; pool's fields are pg's", () => {
    const typo = { connectionString: TEST_DATABASE_URL, maxConnection: 2 } as PostgresStoreOptions;
    expect(() => new PostgresStore(typo)).toThrow(ConfigError);
    expect(() => new PostgresStore(typo)).toThrow(
      "maxConnection: is not a known field (known: connectionString, schema, maxConnections, connectTimeoutMs, retry, pool, notify, monotonicClock)",
    );
    const retry = { attempt: 3 } as PostgresStoreOptions["retry"];
    expect(() => new PostgresStore({ connectionString: TEST_DATABASE_URL, retry })).toThrow(
      "retry.attempt: is not a known field (known: attempts, minDelayMs, maxDelayMs)",
    );
    const pool = { statement_timeout: 1000, idleTimeoutMillis: 0, application_name: "app" };
    expect(new PostgresStore({ connectionString: TEST_DATABASE_URL, pool }).kind).toBe("postgres");
  });

  it('names its pool and LISTEN connections "fairway" in pg_stat_activity by default', async () => {
    const store = testPostgresStore();
    opened.push(store);
    await store.init();
    const unsubscribe = await store.subscribe(() => {});
    const locker = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await locker.connect();
    const names = async (where: string, value: unknown) =>
      (
        await locker.query<{ application_name: string }>(
          `SELECT application_name FROM pg_stat_activity WHERE ${where}`,
          [value],
        )
      ).rows.map((row) => row.application_name);
    try {
      const listen = `LISTEN ${pg.escapeIdentifier(workChannel(store.schema))}`;
      expect(await names("query = $1", listen)).toEqual(["fairway"]);
      // A pooled connection: the one whose read waits for this client's lock on the store's runs table.
      const pid = (await locker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;
      await locker.query("BEGIN");
      await locker.query(`LOCK TABLE ${pg.escapeIdentifier(store.schema)}.runs IN ACCESS EXCLUSIVE MODE`);
      const read = store.getRun("r1");
      let blocked: string[] = [];
      while (blocked.length === 0) blocked = await names("$1 = ANY(pg_blocking_pids(pid))", pid);
      await locker.query("COMMIT");
      expect(await read).toBeUndefined();
      expect(blocked).toEqual(["fairway"]);
    } finally {
      await locker.end();
      await unsubscribe();
    }
  });

  it("an application_name in the connection string wins over pool.application_name and the default", async () => {
    const suffix = `${process.pid}_${Date.now().toString(36)}`;
    const fromUrl = `fw_url_${suffix}`;
    const fromPool = `fw_pool_${suffix}`;
    // No idle timeout: the pool's connection from init() is still there to see.
    const store = testPostgresStore({
      connectionString: `${TEST_DATABASE_URL}?application_name=${fromUrl}`,
      pool: { application_name: fromPool, idleTimeoutMillis: 0 },
    });
    opened.push(store);
    await store.init();
    const unsubscribe = await store.subscribe(() => {});
    const observer = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await observer.connect();
    const backends = async (where: string, values: unknown[]) =>
      (await observer.query(`SELECT 1 FROM pg_stat_activity WHERE ${where}`, values)).rowCount;
    try {
      const listen = `LISTEN ${pg.escapeIdentifier(workChannel(store.schema))}`;
      expect(await backends("query = $1 AND application_name = $2", [listen, fromUrl])).toBe(1);
      expect(await backends("query <> $1 AND application_name = $2", [listen, fromUrl])).toBeGreaterThan(0);
      expect(await backends("application_name = $1", [fromPool])).toBe(0);
    } finally {
      await observer.end();
      await unsubscribe();
    }
  });

  it("a postgres:// or postgresql:// store string, or DATABASE_URL, opens a PostgresStore", () => {
    expect(openStore("postgres://localhost/app")).toBeInstanceOf(PostgresStore);
    expect(openStore("postgresql://localhost/app").kind).toBe("postgres");
    const saved = process.env.DATABASE_URL;
    try {
      process.env.DATABASE_URL = "postgres://localhost/app";
      expect(openStore(undefined)).toBeInstanceOf(PostgresStore);
      process.env.DATABASE_URL = "mysql://u:secret@localhost/app";
      expect(() => openStore(undefined)).toThrow(
        /^DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL \(got mysql:\/\/\)/,
      );
      expect(() => openStore(undefined)).not.toThrow(/secret/);
      process.env.DATABASE_URL = "localhost/app";
      expect(() => openStore(undefined)).toThrow(/\(got no URL scheme\)/);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it("an unreachable database fails with a retryable StoreError after the configured tries", async () => {
    const store = new PostgresStore({
      connectionString: "postgres://postgres@127.0.0.1:1/test",
      retry: { attempts: 3, minDelayMs: 1, maxDelayMs: 2 },
    });
    opened.push(store);
    const error = await store.getRun("r1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: "store_failed", retryable: true });
    expect((error as Error).message).toMatch(/unreachable or busy \(3 tries\).*ECONNREFUSED/);
    const listening = await store.subscribe(() => {}).catch((caught: unknown) => caught);
    expect(listening).toBeInstanceOf(StoreError);
    expect(listening).toMatchObject({ code: "store_failed", retryable: true });
    expect((listening as Error).message).toMatch(/subscribe failed.*ECONNREFUSED/);
    // A readiness check tells at once: ping is tried once, whatever the retry options.
    const ping = await store.ping().catch((caught: unknown) => caught);
    expect(ping).toMatchObject({ code: "store_failed", retryable: true });
    expect((ping as Error).message).toMatch(
      /ping failed: the database is unreachable or busy \(1 try\).*ECONNREFUSED/,
    );
  });
});
