/**
 * A human-in-the-loop support agent (AgentKit's "support agent with human in the loop", durable): the
 * agent looks up the customer's order and, to refund it, asks a human. The `refund_order` tool waits with
 * `step.waitForEvent` for `support/refund.decided` with the same `ticketId` (up to 24 h); the run holds no
 * worker meanwhile and survives a restart, since the wait, and every model and tool call before it, is in
 * the store. Anyone may decide: `npx fairway send`, the dashboard's "Send event" tab, or any HTTP client.
 *
 * @module
 */
import { z } from "zod";
import { createAgent, createState, createTool, Fairway, type Logger, type Model } from "../../src/index.js";
import { answerText } from "../shared/answer-text.js";

/** The event that opens a ticket. */
export const TICKET_EVENT = "support/ticket.created";
/** The event a human sends to approve or deny a refund: `{ ticketId, approved, by?, note? }`. */
export const DECISION_EVENT = "support/refund.decided";

/** The example's orders (a real app would query its database). */
export const ORDERS: Record<string, { orderId: string; item: string; amountCents: number; status: string }> =
  {
    "1001": {
      orderId: "1001",
      item: "Trail running shoes",
      amountCents: 12_900,
      status: "delivered, damaged",
    },
    "1002": { orderId: "1002", item: "Rain jacket", amountCents: 8_900, status: "in transit" },
  };

/** What a ticket's run returns. */
export interface TicketOutcome {
  ticketId: string;
  answer: string;
  refund?: { refunded: boolean; by?: string; note?: string };
}

const decisionSchema = z.object({
  ticketId: z.string(),
  approved: z.boolean(),
  by: z.string().optional(),
  note: z.string().optional(),
});

/**
 * The support app on `store` (an SQLite file path, or `"memory"`): the client and its `support-ticket`
 * function, triggered by `support/ticket.created` with `{ ticketId, userId, message }`.
 */
export function createSupportApp(options: { model: Model; store: string; logger?: Logger }) {
  const fairway = new Fairway({
    id: "support-desk",
    store: options.store,
    ...(options.logger && { logger: options.logger }),
  });
  const lookupOrder = createTool({
    name: "lookup_order",
    description: "Look up an order by its number.",
    parameters: z.object({ orderId: z.string() }),
    handler: ({ orderId }) => {
      const order = ORDERS[orderId];
      if (!order) throw new Error(`No order ${orderId}.`);
      return order;
    },
  });
  const refundOrder = createTool({
    name: "refund_order",
    description: "Refund an order. A human must approve it: this waits for their decision.",
    parameters: z.object({
      orderId: z.string(),
      amountCents: z.number().int().positive(),
      reason: z.string(),
    }),
    handler: async ({ orderId, amountCents, reason }, { step, network }) => {
      if (!step) throw new Error("refund_order needs a durable run (it waits for a human).");
      const ticketId = String(network.state.data.ticketId);
      const decided = await step.waitForEvent("await-approval", {
        event: DECISION_EVENT,
        timeout: "24h",
        if: `async.data.ticketId == ${JSON.stringify(ticketId)}`,
      });
      if (!decided) return { refunded: false, note: "no decision within 24 hours" };
      const decision = decisionSchema.parse(decided.data);
      if (!decision.approved) return { refunded: false, by: decision.by, note: decision.note ?? "denied" };
      // Issue the refund once, as its own step (a real app calls its payment provider here).
      const receipt = await step.run("issue-refund", () => ({
        orderId,
        amountCents,
        reason,
        refundId: `rf_${ticketId}`,
      }));
      return { refunded: true, by: decision.by, note: decision.note, receipt };
    },
  });
  const agent = createAgent({
    name: "Support Agent",
    system:
      "You are a customer support agent for an outdoor shop. Look up the order the customer mentions. " +
      "Refund an order only when it arrived damaged or never arrived, with refund_order (a human approves " +
      "it). Then answer the customer in two or three sentences.",
    model: options.model,
    tools: [lookupOrder, refundOrder],
  });
  const ticket = fairway.createFunction(
    { id: "support-ticket", concurrency: [{ key: "event.data.userId", limit: 1 }] },
    { event: TICKET_EVENT },
    async ({ event }): Promise<TicketOutcome> => {
      const data = event.data as { ticketId: string; userId: string; message: string };
      const state = createState({ ticketId: data.ticketId, userId: data.userId });
      const result = await agent.run(data.message, { state, maxIter: 4 });
      const refund = [...result.output, ...result.toolCalls]
        .flatMap((message) =>
          message.type === "tool_result" && message.tool.name === "refund_order" ? [message.content] : [],
        )
        .map((content) => (content as { data?: TicketOutcome["refund"] }).data)
        .at(-1);
      return { ticketId: data.ticketId, answer: answerText(result), ...(refund && { refund }) };
    },
  );
  return { fairway, ticket, agent };
}
