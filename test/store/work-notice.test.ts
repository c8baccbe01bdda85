import { describe, expect, it } from "vitest";
import { decodeNotice, encodeNotice, workChannel } from "../../src/store/postgres/work-notice.js";

describe("wake-up notices", () => {
  it("round-trip backlog keys (NUL included) and the due time; a store drops its own and foreign payloads", () => {
    const payload = encodeNotice({ sender: "s1", backlogs: ["f\u0000user\u0000x"], dueAt: 5 });
    expect(payload).not.toContain("\u0000");
    expect(decodeNotice(payload, "s2")).toEqual([
      { kind: "backlogs", backlogKeys: ["f\u0000user\u0000x"] },
      { kind: "due", at: 5 },
    ]);
    expect(decodeNotice(payload, "s1")).toEqual([]);
    for (const foreign of [undefined, "", "not json", "42", '{"b":true}', '{"s":"x","b":[1],"d":"soon"}'])
      expect(decodeNotice(foreign, "s2")).toEqual([]);
  });

  it("too many backlog keys for one payload become 'some backlogs'", () => {
    const keys = Array.from({ length: 2000 }, (_, index) => `function-${index}\u0000key`);
    const payload = encodeNotice({ sender: "s1", backlogs: keys });
    expect(payload.length).toBeLessThanOrEqual(7000);
    expect(decodeNotice(payload, "s2")).toEqual([{ kind: "backlogs" }]);
  });

  it("the channel is per schema, within PostgreSQL's 63-byte names", () => {
    expect(workChannel("app")).toBe("fairway_work_app");
    expect(workChannel("s".repeat(63))).toHaveLength(63);
  });
});
