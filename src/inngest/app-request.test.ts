import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NonRetriableError } from "../errors/non-retriable-error.js";
import { RetryAfterError } from "../errors/retry-after-error.js";
import { type AppTransport, type CallBody, callApp } from "./app-request.js";

const body: CallBody = {
  event: { name: "a/b", data: { z: 1, a: 2 } },
  events: [],
  steps: {},
  ctx: {
    run_id: "r1",
    attempt: 0,
    max_attempts: 5,
    disable_immediate_execution: false,
    use_api: false,
    stack: { stack: [], current: 0 },
  },
  version: 2,
};

function transport(
  reply: () => Response | Promise<Response>,
  seen: { url?: string; init?: RequestInit }[] = [],
  signingKey?: string,
): AppTransport {
  const fetch = (async (url: URL, init: RequestInit) => {
    seen.push({ url: String(url), init });
    return reply();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, timeoutMs: 1000, now: () => 1_700_000_000_000, ...(signingKey ? { signingKey } : {}) };
}

const url = "http://127.0.0.1:9/api/inngest?fnId=app-fn&stepId=step";

describe("callApp", () => {
  it("reads 200 as the output and 206 as step ops (one op or a list)", async () => {
    const done = await callApp(
      transport(() => Response.json({ ok: 1 }, { status: 200 })),
      url,
      "step",
      body,
    );
    expect(done).toEqual({ type: "complete", data: { ok: 1 } });
    const one = await callApp(
      transport(() => new Response(JSON.stringify({ id: "h", op: "StepRun", data: 3 }), { status: 206 })),
      url,
      "step",
      body,
    );
    expect(one).toEqual({ type: "ops", ops: [{ id: "h", op: "StepRun", data: 3 }], noRetry: false });
  });

  it("maps failures: no-retry or a 4xx → NonRetriableError, Retry-After → RetryAfterError, else a retriable Error", async () => {
    const fail = (status: number, headers: Record<string, string> = {}) =>
      callApp(
        transport(() => Response.json({ name: "TypeError", message: "bad" }, { status, headers })),
        url,
        "step",
        body,
      ).catch((error: unknown) => error);
    expect(await fail(400)).toBeInstanceOf(NonRetriableError);
    expect(await fail(500, { "x-inngest-no-retry": "true" })).toBeInstanceOf(NonRetriableError);
    const retriable = (await fail(500, { "x-inngest-no-retry": "false" })) as Error;
    expect([retriable.name, retriable.message]).toEqual(["TypeError", "bad"]);
    const later = (await fail(500, { "retry-after": "30" })) as RetryAfterError;
    expect(later).toBeInstanceOf(RetryAfterError);
    const network = await callApp(
      transport(() => {
        throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:9") });
      }),
      url,
      "step",
      body,
    ).catch((error: Error) => error);
    expect((network as Error).message).toBe(
      "cannot call the app at http://127.0.0.1:9/api/inngest: connect ECONNREFUSED 127.0.0.1:9",
    );
  });

  it("sets stepId, sends canonical JSON and signs it when a key is set", async () => {
    const seen: { url?: string; init?: RequestInit }[] = [];
    const key = "signkey-prod-abcd";
    await callApp(
      transport(() => Response.json(null), seen, key),
      url,
      "deadbeef",
      body,
    );
    const [call] = seen;
    expect(call?.url).toBe("http://127.0.0.1:9/api/inngest?fnId=app-fn&stepId=deadbeef");
    const text = String(call?.init?.body);
    expect(text.startsWith('{"ctx":{"attempt":0,')).toBe(true);
    const headers = call?.init?.headers as Record<string, string>;
    const expected = createHmac("sha256", "abcd").update(text).update("1700000000").digest("hex");
    expect(headers["x-inngest-signature"]).toBe(`t=1700000000&s=${expected}`);
    expect(headers["x-inngest-server-kind"]).toBe("cloud");
  });
});
