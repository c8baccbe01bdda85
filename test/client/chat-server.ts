import type { AddressInfo } from "node:net";
import { sqliteHistory } from "../../src/agents/history/index.js";
import { Fairway } from "../../src/index.js";
import { createServer, createTenantToken } from "../../src/server/index.js";
import { supportDesk } from "../server/helpers/support-desk.js";

export const SIGNING_KEY = "client-test-signing-key-0123456789";

/**
 * A listening server with the "Support Desk" network (Triage calls `lookup_order`, Answer replies) on a
 * scripted model, thread history in SQLite memory, and keys (so tenant tokens are checked).
 */
export async function chatServer() {
  const history = sqliteHistory({ path: ":memory:" });
  const network = supportDesk(undefined, history);
  const fairway = new Fairway({
    id: "chat-app",
    store: "memory",
    retryBackoffScale: 0,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const server = createServer({
    client: fairway,
    networks: [network],
    history,
    auth: { signingKey: SIGNING_KEY },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokenFor = (userId: string) => createTenantToken({ userId, secret: SIGNING_KEY }).token;
  return { server, fairway, baseUrl, tokenFor, history };
}
