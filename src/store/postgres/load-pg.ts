/**
 * The `pg` driver, an optional peer dependency, imported on first use by the PostgreSQL store.
 *
 * @module
 */
import { importPeer } from "../../peers/import-peer.js";

/** `import("pg")`; throws MissingPeerError (`npm i pg`) when the package is not installed. */
export function loadPg(): Promise<typeof import("pg")> {
  return importPeer(() => import("pg"), "pg", "PostgresStore (a postgres:// store)");
}
