import { describe, expect, it } from "vitest";
import { batchAppend, joinsBatch } from "../../src/flow/batch.js";
import { finishDeadline, matchCancelOn, startDeadline } from "../../src/flow/cancel-on.js";
import { normalizeFlowConfig } from "../../src/flow/config/flow-config.js";
import { debounceOffer } from "../../src/flow/debounce.js";
import { compile } from "./compile.js";

const ev = (id: string, ts: number, data: Record<string, unknown> = {}) => ({ name: "e", id, ts, data });

describe("debounce", () => {
  const config = { periodMs: 10_000, timeoutMs: 25_000 };

  it("fires period after the last event, with the last event", () => {
    let step = debounceOffer(undefined, ev("a", 0), 0, config);
    expect(step).toMatchObject({ action: "created", state: { fireAt: 10_000, firstAt: 0 } });
    step = debounceOffer(step.state, ev("b", 4000), 4000, config);
    expect(step).toMatchObject({
      action: "replaced",
      state: { fireAt: 14_000, firstAt: 0, event: { id: "b" } },
    });
  });

  it("never fires later than first event + timeout", () => {
    let state = debounceOffer(undefined, ev("a", 0), 0, config).state;
    for (const at of [8000, 16_000, 24_000]) state = debounceOffer(state, ev(`e${at}`, at), at, config).state;
    expect(state.fireAt).toBe(25_000);
    expect(state.event.id).toBe("e24000");
  });

  it("an event with an older ts neither replaces nor extends", () => {
    const first = debounceOffer(undefined, ev("new", 5000), 5000, config).state;
    const late = debounceOffer(first, ev("old", 1000), 7000, config);
    expect(late.action).toBe("ignored");
    expect(late.state).toBe(first);
    expect(debounceOffer(first, ev("same", 5000), 7000, config).action).toBe("replaced");
  });

  it("without timeout keeps extending", () => {
    let state = debounceOffer(undefined, ev("a", 0), 0, { periodMs: 1000 }).state;
    for (let at = 900; at < 100_000; at += 900)
      state = debounceOffer(state, ev("x", at), at, { periodMs: 1000 }).state;
    expect(state.fireAt).toBe(99_900 + 1000);
  });
});

describe("batching", () => {
  const config = { maxSize: 3, timeoutMs: 5000 };

  it("flushes at maxSize with every event, in order", () => {
    const one = batchAppend(undefined, "a", 100, config);
    if (!("state" in one)) throw new Error("expected open batch");
    expect(one.state).toEqual({ events: ["a"], openedAt: 100, deadline: 5100 });
    const two = batchAppend(one.state, "b", 200, config);
    if (!("state" in two)) throw new Error("expected open batch");
    expect(two.state.deadline).toBe(5100);
    expect(batchAppend(two.state, "c", 300, config)).toEqual({ flush: ["a", "b", "c"] });
    expect(one.state.events).toEqual(["a"]);
  });

  it("lets events that fail `if` (false, non-boolean or error) skip batching", () => {
    const withIf = { ...config, if: "event.data.batch == true" };
    expect(joinsBatch(withIf, compile, ev("1", 0, { batch: true }))).toBe(true);
    expect(joinsBatch(withIf, compile, ev("1", 0, { batch: false }))).toBe(false);
    expect(joinsBatch(withIf, compile, ev("1", 0, {}))).toBe(false);
    expect(joinsBatch(config, compile, ev("1", 0))).toBe(true);
  });
});

describe("cancelOn", () => {
  const { cancelOn } = normalizeFlowConfig(
    {
      cancelOn: [
        { event: "order/cancelled", match: "data.order", timeout: "1h" },
        { event: "user/deleted", if: "async.data.user == event.data.user && async.data.hard" },
        { event: "app/stop" },
      ],
    },
    compile,
  );
  const run = { event: ev("t", 0, { order: "o1", user: "u1" }), scheduledAt: 1000 };

  it("matches by name and condition; match is field equality", () => {
    const cancel = (name: string, data: Record<string, unknown>, now = 2000) =>
      matchCancelOn(cancelOn, compile, run, { name, data }, now);
    expect(cancel("order/cancelled", { order: "o1" })).toBe(0);
    expect(cancel("order/cancelled", { order: "o2" })).toBeUndefined();
    expect(cancel("order/cancelled", {})).toBeUndefined();
    expect(cancel("user/deleted", { user: "u1", hard: true })).toBe(1);
    expect(cancel("user/deleted", { user: "u1", hard: false })).toBeUndefined();
    expect(cancel("user/deleted", { user: "u1" })).toBeUndefined();
    expect(cancel("app/stop", {})).toBe(2);
    expect(cancel("other", { order: "o1" })).toBeUndefined();
  });

  it("stops matching after the entry's timeout", () => {
    const candidate = { name: "order/cancelled", data: { order: "o1" } };
    expect(matchCancelOn(cancelOn, compile, run, candidate, 1000 + 3_600_000)).toBe(0);
    expect(matchCancelOn(cancelOn, compile, run, candidate, 1001 + 3_600_000)).toBeUndefined();
  });

  it("computes start and finish deadlines", () => {
    expect(startDeadline({ startMs: 5000 }, 100)).toBe(5100);
    expect(startDeadline({}, 100)).toBeUndefined();
    expect(finishDeadline({ finishMs: 30_000 }, 7000)).toBe(37_000);
    expect(finishDeadline({}, 7000)).toBeUndefined();
  });
});
