import { StoreError } from "../../src/errors/index.js";

/**
 * The StoreError a PostgreSQL store call fails with when the database refuses connections (`ECONNREFUSED` on
 * `127.0.0.1:<port>`) after `tries` tries: retryable, its cause the socket error with its code.
 */
export function unreachableStoreError(operation: string, tries: number, port: number): StoreError {
  const socket = `connect ECONNREFUSED 127.0.0.1:${port}`;
  return new StoreError(
    `PostgreSQL store: ${operation} failed: the database is unreachable or busy (${tries} tries): ${socket}`,
    { cause: Object.assign(new Error(socket), { code: "ECONNREFUSED" }), retryable: true },
  );
}
