import { bullmq } from "./bullmq.js";
import { dbos } from "./dbos.js";
import { fairwayPostgres, fairwaySqlite } from "./fairway.js";
import type { Peer } from "./peer.js";
import { pgBoss } from "./pg-boss.js";

/** Every system in the table, in table order; the two Fairway rows are what the ratios divide by. */
export const PEERS = {
  "fairway-sqlite": fairwaySqlite,
  "fairway-postgres": fairwayPostgres,
  dbos,
  bullmq,
  "pg-boss": pgBoss,
} satisfies Record<string, Peer>;

export type PeerId = keyof typeof PEERS;

export function isPeerId(value: string): value is PeerId {
  return Object.hasOwn(PEERS, value);
}
