import type { S1Target, S2Target } from "../scenarios.js";

/** One system under comparison: how to build a fresh S1 or S2 setup of it (one per child process). */
export interface Peer {
  /** Shown in the table, e.g. "DBOS Transact 5.3.0". */
  name: string;
  /** Where its state lives and how durable a commit is, as configured here. */
  store: string;
  s1(): Promise<S1Target>;
  s2(): Promise<S2Target>;
}

/** The local PostgreSQL server every PostgreSQL-backed peer uses, each in a database of its own. */
export const POSTGRES_URL = process.env.PEERS_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432";
/** The Redis server BullMQ uses. */
export const REDIS_URL = process.env.PEERS_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A name unique to this process and scenario, for schemas and queues (lower case, no dashes). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`;
}
