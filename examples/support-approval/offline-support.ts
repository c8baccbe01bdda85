/**
 * The offline model of the support example: NOT an LLM. Fixed rules: find an order number (3+ digits) in
 * the customer's message and look it up; when the message asks for a refund and the order arrived damaged
 * or never arrived, call `refund_order` for its full amount; then answer from the tool results. Answers
 * start with `OFFLINE_LABEL`.
 *
 * @module
 */
import type { Model, ModelRequest } from "../../src/index.js";
import {
  lastUserText,
  latestToolData,
  OFFLINE_LABEL,
  type PolicyAction,
  policyModel,
} from "../shared/policy-model.js";
import type { ORDERS, TicketOutcome } from "./support-app.js";

type Order = (typeof ORDERS)[string];

/** The offline support model (`"support-rules (offline, not an LLM)"`). */
export function offlineSupport(): Model {
  return policyModel({ name: "support-rules", decide });
}

function decide(request: ModelRequest): PolicyAction {
  const message = lastUserText(request.messages);
  const orderId = /\b(\d{3,})\b/.exec(message)?.[1];
  if (!orderId) return { text: `${OFFLINE_LABEL} Could you tell me your order number?` };
  const order = latestToolData(request.messages, "lookup_order") as Order | undefined;
  const looked = request.messages.some((m) => m.type === "tool_result" && m.tool.name === "lookup_order");
  if (!looked) return { toolCalls: [{ name: "lookup_order", input: { orderId } }] };
  if (!order) return { text: `${OFFLINE_LABEL} I could not find order ${orderId}. Please check the number.` };
  const refund = latestToolData(request.messages, "refund_order") as TicketOutcome["refund"] | undefined;
  const wantsRefund = /refund|money back/i.test(message);
  const eligible = /damaged|lost/.test(order.status);
  if (wantsRefund && eligible && !refund) {
    const input = { orderId, amountCents: order.amountCents, reason: `order ${order.status}` };
    return { toolCalls: [{ name: "refund_order", input }] };
  }
  const amount = `$${(order.amountCents / 100).toFixed(2)}`;
  if (refund?.refunded) {
    return {
      text: `${OFFLINE_LABEL} Your refund of ${amount} for the ${order.item} (order ${orderId}) is approved.`,
    };
  }
  if (refund) {
    return {
      text: `${OFFLINE_LABEL} I am sorry: the refund for order ${orderId} was not approved (${refund.note}).`,
    };
  }
  if (wantsRefund) {
    return {
      text: `${OFFLINE_LABEL} Order ${orderId} (${order.item}) is ${order.status}, so it cannot be refunded yet.`,
    };
  }
  return { text: `${OFFLINE_LABEL} Order ${orderId} (${order.item}) is ${order.status}.` };
}
