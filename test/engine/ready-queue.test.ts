import { describe, expect, it } from "vitest";
import { BacklogReadyQueue, backlogKey, type ReadyItem } from "../../src/engine/ready-queue.js";

const item = (runId: string, key: string, createdAt: number, resume = false): ReadyItem => ({
  runId,
  functionId: "fn",
  backlogKey: backlogKey("fn", key),
  createdAt,
  resume,
});

function drain(queue: BacklogReadyQueue): string[] {
  const out: string[] = [];
  for (let next = queue.next(0); next; next = queue.next(0)) out.push(next.runId);
  return out;
}

describe("BacklogReadyQueue", () => {
  it("is FIFO by creation time within a backlog, whatever the enqueue order", () => {
    const queue = new BacklogReadyQueue();
    queue.enqueue(item("c", "", 3));
    queue.enqueue(item("a", "", 1));
    queue.enqueue(item("b", "", 2));
    expect(drain(queue)).toEqual(["a", "b", "c"]);
  });

  it("serves resumes of started runs before new starts", () => {
    const queue = new BacklogReadyQueue();
    queue.enqueue(item("new1", "", 1));
    queue.enqueue(item("old-resume", "", 5, true));
    queue.enqueue(item("new2", "", 2));
    expect(drain(queue)).toEqual(["old-resume", "new1", "new2"]);
  });

  it("takes backlogs in turn, so a long backlog does not block another key", () => {
    const queue = new BacklogReadyQueue();
    for (let i = 0; i < 5; i++) queue.enqueue(item(`heavy${i}`, "heavy", i));
    queue.enqueue(item("light0", "light", 100));
    expect(drain(queue).slice(0, 2)).toEqual(["heavy0", "light0"]);
  });

  it("remove() drops a queued run; re-enqueue replaces the old entry; size() counts live runs", () => {
    const queue = new BacklogReadyQueue();
    queue.enqueue(item("a", "", 1));
    queue.enqueue(item("b", "", 2));
    queue.enqueue(item("a", "", 3, true));
    expect(queue.size()).toBe(2);
    expect(queue.remove("b")).toBe(true);
    expect(queue.remove("b")).toBe(false);
    expect(queue.size()).toBe(1);
    expect(drain(queue)).toEqual(["a"]);
    expect(queue.size()).toBe(0);
  });

  it("backlogKey keeps function and key apart", () => {
    expect(backlogKey("a", "b:c")).not.toBe(backlogKey("a:b", "c"));
    expect(backlogKey("fn")).toBe(backlogKey("fn", ""));
  });
});
