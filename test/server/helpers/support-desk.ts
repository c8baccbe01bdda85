import { z } from "zod";
import { createAgent, createNetwork, createTool, type HistoryConfig } from "../../../src/agents/index.js";
import type { Usage } from "../../../src/models/spec.js";
import { scriptedModel } from "../../../src/testing/scripted-model.js";

/**
 * A two-agent network on a scripted model: "Triage" calls the tool `lookup_order`, then "Answer" replies
 * "Your order o-1 has shipped." (the script repeats for later runs). Served as `network-support-desk`.
 * `history` stores its threads.
 */
export function supportDesk(usage: [Usage, Usage] = [{}, {}], history?: HistoryConfig) {
  const lookup = createTool({
    name: "lookup_order",
    description: "Finds an order",
    parameters: z.object({ orderId: z.string() }),
    handler: ({ orderId }) => ({ orderId, status: "shipped" }),
  });
  const model = scriptedModel(
    [
      { toolCalls: [{ name: "lookup_order", input: { orderId: "o-1" } }], usage: usage[0] },
      { text: "Your order o-1 has shipped.", usage: usage[1] },
    ],
    { whenExhausted: "repeat" },
  );
  const triage = createAgent({ name: "Triage", system: "Look the order up.", tools: [lookup], model });
  const answer = createAgent({ name: "Answer", system: "Answer the user.", model });
  return createNetwork({
    name: "Support Desk",
    agents: [triage, answer],
    router: ({ callCount }) => [triage, answer][callCount],
    ...(history && { history }),
  });
}
