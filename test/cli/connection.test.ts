import { describe, expect, it } from "vitest";
import { connectionOf } from "../../src/cli/commands/connection.js";

describe("the CLI's credential from the environment", () => {
  it("sends with the server's own FAIRWAY_EVENT_KEYS when FAIRWAY_EVENT_KEY is not set (one shell for both)", () => {
    const env = { FAIRWAY_EVENT_KEYS: " ek-first-0123456789abcdef, ek-second-0123456789abcdef" };
    expect(connectionOf({}, "event", env)).toEqual({
      url: "http://127.0.0.1:3010",
      key: "ek-first-0123456789abcdef",
    });
  });

  it("prefers --key, then FAIRWAY_EVENT_KEY, and reads runs with the signing key only", () => {
    const env = {
      FAIRWAY_EVENT_KEY: "ek-single-0123456789abcdef",
      FAIRWAY_EVENT_KEYS: "ek-first-0123456789abcdef",
      FAIRWAY_SIGNING_KEY: "sk-0123456789abcdef",
    };
    expect(connectionOf({ key: "flag-key-0123456789" }, "event", env).key).toBe("flag-key-0123456789");
    expect(connectionOf({}, "event", env).key).toBe("ek-single-0123456789abcdef");
    expect(connectionOf({}, "admin", env).key).toBe("sk-0123456789abcdef");
  });
});
