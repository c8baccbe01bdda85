import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, EventSchemas, Fairway, ValidationError } from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { runOf, storeKinds, tempDir } from "./helpers.js";

const schemas = new EventSchemas().fromZod({
  "app/run": { data: z.object({ user_id: z.string(), input: z.string(), priority: z.number().default(1) }) },
  "app/tagged": { data: z.object({ tags: z.array(z.string()) }) },
});

function typedFairway(kind: (typeof storeKinds)[number]) {
  return new Fairway({
    id: "typed",
    schemas,
    store: kind === "memory" ? "memory" : join(tempDir(), "fairway.db"),
    clock: new FakeClock(),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    retryBackoffScale: 0,
  });
}

/** The ValidationError `promise` rejects with. */
async function validationError(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe.each(storeKinds)("event schemas on %s", (kind) => {
  it("send rejects a declared event whose data breaks the schema, naming the path, and stores nothing", async () => {
    const fairway = typedFairway(kind);
    fairway.createFunction({ id: "research" }, { event: "app/run" }, async ({ event }) => event.data.input);
    const untyped = fairway as unknown as Fairway;
    const error = await validationError(untyped.send({ name: "app/run", data: { user_id: 7, input: "q" } }));
    expect(error.issues).toEqual([{ path: "data.user_id", message: expect.stringMatching(/string/) }]);
    expect(error.message).toMatch(/^event "app\/run" is invalid: data\.user_id: /);
    const listError = await validationError(
      untyped.send([
        { name: "app/tagged", data: { tags: ["a"] } },
        { name: "app/tagged", data: { tags: ["a", 2] } },
        { name: "app/run", data: { input: "q" } },
      ]),
    );
    expect(listError.issues.map((issue) => issue.path)).toEqual(["[1].data.tags[1]", "[2].data.user_id"]);
    expect((await fairway.listRuns()).runs).toEqual([]);
    await fairway.close();
  });

  it("handlers get the schema's output (defaults filled); undeclared events pass unchanged", async () => {
    const fairway = typedFairway(kind);
    fairway.createFunction({ id: "research" }, { event: "app/run" }, async ({ event }) => ({
      input: event.data.input,
      priority: event.data.priority,
    }));
    fairway.createFunction({ id: "free" }, { event: "free/form" }, async ({ event }) => event.data);
    await fairway.send({ name: "app/run", data: { user_id: "u1", input: "tides?" } });
    await fairway.send({ name: "free/form", data: { anything: [1, "two"] } });
    expect(await fairway.waitForRun(await runOf(fairway, "research"))).toEqual({
      input: "tides?",
      priority: 1,
    });
    expect(await fairway.waitForRun(await runOf(fairway, "free"))).toEqual({ anything: [1, "two"] });
    await fairway.close();
  });

  it("step.sendEvent is checked too: the step fails with the ValidationError", async () => {
    const fairway = typedFairway(kind);
    fairway.createFunction({ id: "fan-out", retries: 0 }, { event: "free/start" }, async ({ step }) =>
      step.sendEvent("bad", { name: "app/tagged", data: { tags: "not-a-list" } } as never),
    );
    await fairway.send({ name: "free/start" });
    const failed = fairway.waitForRun(await runOf(fairway, "fan-out"));
    await expect(failed).rejects.toThrow(/data\.tags: /);
    await fairway.close();
  });
});

describe("EventSchemas", () => {
  it("rejects a name declared twice and an entry without a zod data schema, naming it", () => {
    expect(() => schemas.fromZod({ "app/run": { data: z.object({}) } })).toThrow(ConfigError);
    expect(() => schemas.fromZod({ "app/run": { data: z.object({}) } })).toThrow(/schemas\["app\/run"\]/);
    expect(() => new EventSchemas().fromZod({ "app/x": { data: {} as never } })).toThrow(
      /schemas\["app\/x"\]\.data: must be a zod schema/,
    );
  });

  it("new Fairway rejects schemas that are not an EventSchemas", () => {
    expect(() => new Fairway({ id: "x", store: "memory", schemas: {} as never })).toThrow(/schemas/);
  });
});
