import { describe, expect, it, vi } from "vitest";
import type { ExecutionContext } from "../../src/engine/execution-context.js";

/**
 * The dual-package hazard: a process that loads Fairway's modules twice (tsx in a CommonJS project compiles
 * the package for `require`, while a dynamic `import()` inside it loads the ES modules again) must still
 * see one durable execution and one `State`/`AgentResult` class, or a network run inside a function silently
 * stops checkpointing its model and tool calls. `vi.resetModules()` gives the second copy here.
 */
describe("two copies of Fairway's modules in one process", () => {
  it("share the execution context: a network run in the second copy sees the execution of the first", async () => {
    const first = await import("../../src/engine/execution-context.js");
    vi.resetModules();
    const second = await import("../../src/engine/execution-context.js");
    expect(second).not.toBe(first);
    const context = { runId: "run-1" } as unknown as ExecutionContext;
    const seen = first.runInExecution(context, () => second.currentExecution());
    expect(seen).toBe(context);
    expect(second.currentExecution()).toBeUndefined();
  });

  it("keep instanceof for State and AgentResult made by the other copy (a user's state is not rebuilt)", async () => {
    const first = await import("../../src/agents/state.js");
    const firstResult = await import("../../src/agents/agent-result.js");
    vi.resetModules();
    const second = await import("../../src/agents/state.js");
    const secondResult = await import("../../src/agents/agent-result.js");
    expect(second.State).not.toBe(first.State);
    const state = new first.State({ data: { user: "u1" } });
    expect(state instanceof second.State).toBe(true);
    expect(second.toState(state)).toBe(state);
    const result = new firstResult.AgentResult("a", [], [], new Date(0));
    expect(secondResult.AgentResult.from(result)).toBe(result);
    expect({ data: {} } instanceof second.State).toBe(false);
  });
});
