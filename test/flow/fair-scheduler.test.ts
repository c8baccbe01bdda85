import { describe, expect, it } from "vitest";
import { FairScheduler } from "../../src/flow/fair-scheduler.js";
import type { ConcurrencyClaim, QueueItem } from "../../src/flow/queue-item.js";
import { drain } from "./keyed-items.js";

let counter = 0;
function item(
  key: string,
  options: Partial<QueueItem> & { fnLimit?: number; keyLimit?: number; createdAt?: number } = {},
): QueueItem {
  counter += 1;
  const { fnLimit, keyLimit, ...rest } = options;
  const functionId = rest.functionId ?? "fn";
  const claims: ConcurrencyClaim[] = [];
  if (fnLimit !== undefined) claims.push({ id: `fn:${functionId}`, limit: fnLimit });
  if (keyLimit !== undefined) claims.push({ id: `fn:${functionId}:k=${key}`, limit: keyLimit });
  return {
    runId: `${key}-${counter}`,
    functionId,
    kind: "start",
    createdAt: counter,
    claims,
    key,
    ...rest,
  };
}

describe("FairScheduler ordering", () => {
  it("is FIFO by creation time within a backlog, resumes first", () => {
    const s = new FairScheduler();
    s.enqueue(item("a", { runId: "late", createdAt: 30 }));
    s.enqueue(item("a", { runId: "early", createdAt: 10 }));
    s.enqueue(item("a", { runId: "resumed", createdAt: 50, kind: "resume" }));
    s.enqueue(item("a", { runId: "mid", createdAt: 20 }));
    expect(drain(s)).toEqual(["resumed", "early", "mid", "late"]);
  });

  it("orders by creation minus priority, with clamped priorities (R31)", () => {
    const s = new FairScheduler();
    const priorities: [string, number][] = [
      ["huge", 600],
      ["tiny", -600],
      ["text", 0],
      ["missing", 0],
      ["thirty", 30],
      ["zero", 0],
    ];
    for (const [index, [runId, priority]] of priorities.entries()) {
      s.enqueue(item("a", { runId, priority, createdAt: 1_000_000 + index, fnLimit: 1 }));
    }
    const order: string[] = [];
    for (let i = 0; i < priorities.length; i++) {
      const next = s.next(0)!;
      order.push(next.runId);
      s.release(next.runId);
    }
    expect(order).toEqual(["huge", "thirty", "text", "missing", "zero", "tiny"]);
  });

  it("serves backlogs in turn (round-robin), resume-headed backlogs first", () => {
    const s = new FairScheduler();
    for (let i = 0; i < 3; i++) s.enqueue(item("heavy", { runId: `h${i}`, keyLimit: 100 }));
    s.enqueue(item("light1", { runId: "l1", keyLimit: 100 }));
    s.enqueue(item("light2", { runId: "l2", keyLimit: 100 }));
    s.enqueue(item("other", { runId: "r1", kind: "resume", keyLimit: 100 }));
    expect(drain(s)).toEqual(["r1", "h0", "l1", "l2", "h1", "h2"]);
  });
});

describe("FairScheduler concurrency", () => {
  it.each([1, 5, 9, 10, 11])(
    "per-key limit %i: never more running, two keys get separate budgets",
    (limit) => {
      const s = new FairScheduler();
      for (let i = 0; i < 30; i++) {
        s.enqueue(item("a", { keyLimit: limit }));
        s.enqueue(item("b", { keyLimit: limit }));
      }
      const started = drain(s);
      expect(started.filter((id) => id.startsWith("a-"))).toHaveLength(limit);
      expect(started.filter((id) => id.startsWith("b-"))).toHaveLength(limit);
      expect(s.slotsInUse("fn:fn:k=a")).toBe(limit);
      s.release(started[0]!);
      s.release(started[0]!); // idempotent
      const more = drain(s);
      expect(more).toHaveLength(1);
      expect(more[0]!.slice(0, 2)).toBe(started[0]!.slice(0, 2));
    },
  );

  it.each([1, 5, 9, 10, 11])("function limit %i together with a per-key limit of 3", (fnLimit) => {
    const s = new FairScheduler();
    for (let i = 0; i < 20; i++)
      for (const key of ["a", "b", "c", "d"]) s.enqueue(item(key, { fnLimit, keyLimit: 3 }));
    const running = new Set(drain(s));
    expect(running.size).toBe(Math.min(fnLimit, 12));
    for (const key of ["a", "b", "c", "d"]) {
      expect([...running].filter((id) => id.startsWith(`${key}-`)).length).toBeLessThanOrEqual(3);
    }
    // Keep the system saturated and check both limits at every step.
    for (let round = 0; round < 60 && running.size > 0; round++) {
      const done = [...running][round % running.size]!;
      running.delete(done);
      s.release(done);
      for (const id of drain(s)) running.add(id);
      expect(running.size).toBeLessThanOrEqual(fnLimit);
      expect(s.slotsInUse("fn:fn")).toBe(running.size);
      for (const key of ["a", "b", "c", "d"]) expect(s.slotsInUse(`fn:fn:k=${key}`)).toBeLessThanOrEqual(3);
    }
  });

  it("lets a light tenant in at the next free slot while a heavy one fills the function", () => {
    const s = new FairScheduler();
    for (let i = 0; i < 1000; i++) s.enqueue(item("heavy", { fnLimit: 4, keyLimit: 4 }));
    const running = drain(s);
    expect(running).toHaveLength(4);
    s.enqueue(item("light", { runId: "light-1", fnLimit: 4, keyLimit: 4 }));
    expect(s.next(0)).toBeUndefined();
    s.release(running[0]!);
    expect(s.next(0)?.runId).toBe("light-1");
    s.release(running[1]!);
    expect(s.next(0)?.key).toBe("heavy");
  });

  it("serves parked backlogs in the order they parked", () => {
    const s = new FairScheduler();
    const first = item("x", { fnLimit: 1, keyLimit: 9 });
    s.enqueue(first);
    expect(s.next(0)?.runId).toBe(first.runId);
    for (const key of ["a", "b", "c"])
      for (let i = 0; i < 2; i++) s.enqueue(item(key, { fnLimit: 1, keyLimit: 9 }));
    expect(s.next(0)).toBeUndefined();
    const order: string[] = [];
    let holder = first.runId;
    for (let i = 0; i < 6; i++) {
      s.release(holder);
      const next = s.next(0)!;
      order.push(next.key);
      holder = next.runId;
    }
    expect(order).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  it("shares env/account claims across functions, each against its own limit", () => {
    const s = new FairScheduler();
    const shared = (functionId: string, limit: number) =>
      item("u", { functionId, claims: [{ id: "account:openai", limit }] });
    for (let i = 0; i < 3; i++) s.enqueue({ ...shared("f1", 2), runId: `f1-${i}` });
    for (let i = 0; i < 3; i++) s.enqueue({ ...shared("f2", 3), runId: `f2-${i}` });
    // f1 starts only while fewer than 2 are in flight, f2 while fewer than 3.
    expect(drain(s)).toEqual(["f1-0", "f2-0", "f2-1"]);
    expect(s.slotsInUse("account:openai")).toBe(3);
    s.release("f1-0");
    expect(drain(s)).toEqual(["f2-2"]);
    s.release("f2-0");
    s.release("f2-1");
    expect(drain(s)).toEqual(["f1-1"]);
  });

  it("refuses a run that is already queued or running", () => {
    const s = new FairScheduler();
    const run = item("a");
    expect(s.enqueue(run)).toBe(true);
    expect(s.enqueue(run)).toBe(false);
    expect(s.next(0)?.runId).toBe(run.runId);
    expect(s.enqueue({ ...run, kind: "resume" })).toBe(false);
    s.release(run.runId);
    expect(s.enqueue({ ...run, kind: "resume" })).toBe(true);
  });
});

describe("FairScheduler throttle and delays", () => {
  const throttle = { id: "fn", limit: 2, periodMs: 6000, burst: 1 };

  it("parks a throttled backlog until its GCRA time; resumes are not throttled", () => {
    const s = new FairScheduler();
    for (let i = 0; i < 6; i++) s.enqueue(item("a", { runId: `t${i}`, throttle }));
    expect(drain(s, 0)).toEqual(["t0", "t1", "t2"]);
    expect(s.nextWakeAt()).toBe(3000);
    expect(s.stats()).toEqual([{ functionId: "fn", key: "a", queued: 3, running: 3, throttled: 3 }]);
    s.enqueue(item("a", { runId: "r", kind: "resume", throttle }));
    expect(drain(s, 100)).toEqual(["r"]);
    expect(drain(s, 2999)).toEqual([]);
    expect(drain(s, 3000)).toEqual(["t3"]);
    expect(drain(s, 6000)).toEqual(["t4"]);
    expect(drain(s, 9000)).toEqual(["t5"]);
    expect(s.nextWakeAt()).toBeUndefined();
  });

  it("throttles each key separately", () => {
    const s = new FairScheduler();
    const keyed = (key: string) =>
      item(key, { throttle: { id: `fn:${key}`, limit: 1, periodMs: 1000, burst: 0 } });
    for (let i = 0; i < 3; i++) {
      s.enqueue(keyed("a"));
      s.enqueue(keyed("b"));
    }
    expect(drain(s, 0).map((id) => id[0])).toEqual(["a", "b"]);
    expect(drain(s, 1000).map((id) => id[0])).toEqual(["a", "b"]);
  });

  it("holds delayed runs until available", () => {
    const s = new FairScheduler();
    s.enqueue(item("a", { runId: "later", availableAt: 5000 }));
    s.enqueue(item("a", { runId: "now" }));
    expect(s.size).toBe(2);
    expect(drain(s, 0)).toEqual(["now"]);
    expect(s.nextWakeAt()).toBe(5000);
    expect(drain(s, 4999)).toEqual([]);
    expect(drain(s, 5000)).toEqual(["later"]);
  });

  it("removes queued, delayed and throttled runs", () => {
    const s = new FairScheduler();
    s.enqueue(item("a", { runId: "d", availableAt: 10 }));
    s.enqueue(item("a", { runId: "q1", fnLimit: 1 }));
    s.enqueue(item("a", { runId: "q2", fnLimit: 1 }));
    s.enqueue(item("a", { runId: "q3", fnLimit: 1 }));
    expect(s.next(0)?.runId).toBe("q1");
    expect(s.remove("q2")).toBe(true);
    expect(s.remove("d")).toBe(true);
    expect(s.remove("d")).toBe(false);
    expect(s.remove("q1")).toBe(false);
    s.release("q1");
    expect(drain(s, 100)).toEqual(["q3"]);
    s.release("q3");
    expect(s.size).toBe(0);
    expect(s.stats()).toEqual([]);

    const t = { id: "t", limit: 1, periodMs: 1000, burst: 0 };
    s.enqueue(item("b", { runId: "t1", throttle: t }));
    s.enqueue(item("b", { runId: "t2", throttle: t }));
    expect(drain(s, 0)).toEqual(["t1"]);
    expect(s.remove("t2")).toBe(true);
    expect(s.nextWakeAt()).toBeUndefined();
  });
});

describe("FairScheduler fifo ordering (baseline)", () => {
  it("blocks everyone behind a head that cannot start", () => {
    const s = new FairScheduler({ ordering: "fifo" });
    s.enqueue(item("heavy", { runId: "h1", keyLimit: 1 }));
    s.enqueue(item("heavy", { runId: "h2", keyLimit: 1 }));
    s.enqueue(item("light", { runId: "l1", keyLimit: 1 }));
    expect(drain(s)).toEqual(["h1"]);
    s.release("h1");
    expect(drain(s)).toEqual(["h2", "l1"]);
  });
});

describe("FairScheduler invariants under random load", () => {
  it("never exceeds a limit and starts every run exactly once", () => {
    let seed = 99;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const s = new FairScheduler();
    const limits = { fn: 7, key: 2 };
    const running = new Set<string>();
    const started = new Set<string>();
    const cancelled = new Set<string>();
    const queued: string[] = [];
    let now = 0;
    for (let step = 0; step < 4000; step++) {
      now += Math.floor(random() * 5);
      const roll = random();
      if (roll < 0.45) {
        const key = `k${Math.floor(random() * 12)}`;
        const run = item(key, {
          fnLimit: limits.fn,
          keyLimit: limits.key,
          kind: random() < 0.2 ? "resume" : "start",
          priority: Math.floor(random() * 20) - 10,
          ...(random() < 0.1 ? { availableAt: now + 50 } : {}),
          ...(random() < 0.3 ? { throttle: { id: key, limit: 3, periodMs: 100, burst: 0 } } : {}),
        });
        s.enqueue(run);
        queued.push(run.runId);
      } else if (roll < 0.5 && queued.length > 0) {
        const victim = queued[Math.floor(random() * queued.length)]!;
        if (!started.has(victim) && s.remove(victim)) cancelled.add(victim);
      } else if (roll < 0.85 && running.size > 0) {
        const done = [...running][Math.floor(random() * running.size)]!;
        running.delete(done);
        s.release(done);
      }
      for (let next = s.next(now); next; next = s.next(now)) {
        expect(started.has(next.runId)).toBe(false);
        started.add(next.runId);
        running.add(next.runId);
      }
      expect(running.size).toBeLessThanOrEqual(limits.fn);
      const perKey = new Map<string, number>();
      for (const id of running) perKey.set(id.split("-")[0]!, (perKey.get(id.split("-")[0]!) ?? 0) + 1);
      for (const count of perKey.values()) expect(count).toBeLessThanOrEqual(limits.key);
      expect(s.slotsInUse("fn:fn")).toBe(running.size);
    }
    for (let guard = 0; guard < 100_000 && (running.size > 0 || s.size > 0); guard++) {
      for (const done of running) s.release(done);
      running.clear();
      now += 100;
      for (let next = s.next(now); next; next = s.next(now)) {
        started.add(next.runId);
        running.add(next.runId);
      }
    }
    expect(s.size).toBe(0);
    expect(started.size + cancelled.size).toBe(queued.length);
  });
});

function start(runId: string, throttleKey: string): QueueItem {
  return {
    runId,
    functionId: "fn",
    kind: "start",
    createdAt: 0,
    claims: [],
    key: throttleKey,
    throttle: { id: `fn:${throttleKey}`, limit: 1, periodMs: 1000, burst: 0 },
  };
}

describe("FairScheduler throttle state", () => {
  it("forgets a throttle key once it is idle again, so memory follows active keys only", () => {
    const s = new FairScheduler();
    for (let i = 0; i < 1000; i++) s.enqueue(start(`r${i}`, `user-${i}`));
    for (let next = s.next(0); next; next = s.next(0)) s.release(next.runId);
    expect(s.throttleKeyCount).toBe(1000);
    // One period later every key is idle (its next start would be allowed as from idle).
    s.enqueue(start("late", "user-late"));
    expect(s.next(1000)?.runId).toBe("late");
    expect(s.throttleKeyCount).toBe(1);
  });

  it("forgetting an idle key does not change its decisions", () => {
    const s = new FairScheduler();
    const throttle = { id: "fn", limit: 2, periodMs: 6000, burst: 1 };
    const run = (id: string): QueueItem => ({ ...start(id, "k"), throttle });
    const dispatch = (now: number) => {
      const out: string[] = [];
      for (let next = s.next(now); next; next = s.next(now)) {
        out.push(next.runId);
        s.release(next.runId);
      }
      return out;
    };
    for (let i = 0; i < 4; i++) s.enqueue(run(`a${i}`));
    expect(dispatch(0)).toEqual(["a0", "a1", "a2"]);
    expect(dispatch(3000)).toEqual(["a3"]);
    // Idle from 6 s on (TAT = 12 s − tolerance): a full burst again at 20 s.
    for (let i = 0; i < 4; i++) s.enqueue(run(`b${i}`));
    expect(dispatch(20_000)).toEqual(["b0", "b1", "b2"]);
    expect(dispatch(22_999)).toEqual([]);
    expect(dispatch(23_000)).toEqual(["b3"]);
  });
});

describe("FairScheduler: claims refused by the store (slots held by other processes)", () => {
  it("a refused run goes back to its backlog and nothing of its claim is offered until unblock", () => {
    const s = new FairScheduler();
    const a1 = item("a", { runId: "a1", keyLimit: 2 });
    s.enqueue(a1);
    s.enqueue(item("a", { runId: "a2", keyLimit: 2 }));
    s.enqueue(item("b", { runId: "b1", keyLimit: 2 }));
    expect(s.next(0)?.runId).toBe("a1");
    s.refused(a1, "fn:fn:k=a");
    expect(s.slotsInUse("fn:fn:k=a")).toBe(0);
    // Key a is held elsewhere: only b runs, though a has free slots here.
    expect(drain(s)).toEqual(["b1"]);
    s.unblock("fn:fn:k=a");
    expect(drain(s)).toEqual(["a1", "a2"]);
  });

  it("a local end of a run of the refused claim unblocks it; ends of other claims do not", () => {
    const s = new FairScheduler();
    s.enqueue(item("a", { runId: "a1", fnLimit: 5, keyLimit: 2 }));
    s.enqueue(item("a", { runId: "a2", fnLimit: 5, keyLimit: 2 }));
    s.enqueue(item("b", { runId: "b1", fnLimit: 5, keyLimit: 2 }));
    expect(drain(s)).toEqual(["a1", "b1", "a2"]);
    const a2 = item("a", { runId: "a2", fnLimit: 5, keyLimit: 2 });
    s.refused(a2, "fn:fn:k=a");
    expect(s.slotsInUse("fn:fn:k=a")).toBe(1);
    expect(s.slotsInUse("fn:fn")).toBe(2);
    s.release("b1");
    expect(drain(s)).toEqual([]);
    s.release("a1");
    expect(drain(s)).toEqual(["a2"]);
  });
});

describe("FairScheduler: starts refused by the store's throttle (starts of other processes)", () => {
  it("the run waits for the store's time like a start throttled here, then starts; the key's other runs wait too", () => {
    const s = new FairScheduler();
    const first = start("t1", "k");
    s.enqueue(first);
    s.enqueue({ ...start("t2", "k"), createdAt: 1 });
    expect(s.next(0)?.runId).toBe("t1");
    // Another process started this key's runs: the store admits t1 only at 2500.
    s.throttleRefused(first, 2500);
    expect(s.next(0)).toBeUndefined();
    expect(s.nextWakeAt()).toBe(2500);
    expect(s.next(2499)).toBeUndefined();
    expect(s.next(2500)?.runId).toBe("t1");
    // One start per 1000 ms from there, as if the store's starts had been made here.
    expect(s.next(3499)).toBeUndefined();
    expect(s.next(3500)?.runId).toBe("t2");
  });
});
