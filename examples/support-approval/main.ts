/**
 * `npx tsx examples/support-approval/main.ts`: serves the support app (dashboard on http://localhost:3010),
 * opens a ticket asking for a refund, and waits for a human to approve or deny it — from another shell
 * with `npx fairway send`, or from the dashboard's "Send event" tab. Stop it while it waits (Ctrl-C, or
 * kill it) and start it again: the same run resumes from the store (`.fairway/support.db`), the ticket is
 * not opened twice (its event id is the ticket id), and no model or tool call is repeated.
 *
 * Options: `--ticket <id>` (default T-1001), `--user <id>`, `--message <text>`, `--port <n>` (default 3010,
 * 0 for any), `--db <file>`, `--serve` (keep serving after the ticket is answered).
 */

import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { createServer } from "../../src/server/index.js";
import { describeModel, selectModel } from "../shared/select-model.js";
import { offlineSupport } from "./offline-support.js";
import { createSupportApp, DECISION_EVENT, TICKET_EVENT, type TicketOutcome } from "./support-app.js";

const { values } = parseArgs({
  options: {
    ticket: { type: "string", default: "T-1001" },
    user: { type: "string", default: "alice" },
    message: { type: "string", default: "Hi, my order 1001 arrived damaged. Can I get a refund?" },
    port: { type: "string", default: "3010" },
    db: { type: "string", default: ".fairway/support.db" },
    serve: { type: "boolean", default: false },
  },
});
const ticketId = values.ticket;
const selected = selectModel(offlineSupport);
console.log(describeModel(selected));
mkdirSync(dirname(values.db), { recursive: true });
const { fairway, ticket } = createSupportApp({ model: selected.model, store: values.db });
const server = createServer({ functions: [ticket] });
const port = await new Promise<number>((resolve) =>
  server.listen(Number(values.port), () => resolve((server.address() as AddressInfo).port)),
);
const url = `http://127.0.0.1:${port}`;
console.log(`dashboard: ${url}`);

let announced = false;
const announce = () => {
  if (announced) return;
  announced = true;
  const decision = (approved: boolean) => JSON.stringify({ ticketId, approved, by: "you" });
  console.log(`\nticket ${ticketId} is waiting for a human decision on its refund. Decide with one of:`);
  console.log(`  npx fairway send ${DECISION_EVENT} --url ${url} -d '${decision(true)}'`);
  console.log(`  npx fairway send ${DECISION_EVENT} --url ${url} -d '${decision(false)}'`);
  console.log(`or in the dashboard: ${url} → Send event, name ${DECISION_EVENT}, data ${decision(true)}`);
};
let runId: string | undefined;
fairway.onRunEvent((event) => {
  if (event.type === "run.waiting" && event.runId === runId) announce();
});
await fairway.send({
  name: TICKET_EVENT,
  id: ticketId,
  data: { ticketId, userId: values.user, message: values.message },
});
const { runs } = await fairway.listRuns({ functionId: ticket.id });
const run = runs.find((candidate) => (candidate.event.data as { ticketId?: string }).ticketId === ticketId);
if (!run) throw new Error(`no run for ticket ${ticketId}`);
runId = run.id;
console.log(`ticket ${ticketId}: run ${run.id} (${run.status})`);
if (run.status === "waiting") announce();
const outcome = (await fairway.waitForRun(run.id)) as TicketOutcome;
console.log(
  `\nrefund: ${outcome.refund ? (outcome.refund.refunded ? `approved by ${outcome.refund.by ?? "?"}` : `not given (${outcome.refund.note})`) : "not requested"}`,
);
console.log(`answer: ${outcome.answer}`);
if (!values.serve) await server.close();
