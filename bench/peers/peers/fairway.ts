/**
 * Fairway itself, imported from this repository's source (`../../../src`, run through tsx), on its two
 * durable stores: SQLite with the default durability (`synchronous` FULL: an fsync per commit, group
 * commit), and PostgreSQL through a `postgres://` store URL (one worker process, the server's own
 * `synchronous_commit`). S1 declares exactly the limits of DESIGN.md §6: 32 runs at once for the function
 * and 32 per tenant key, with no hint of which tenant is light; the engine's fair ordering does the rest.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Fairway } from "../../../src/index.js";
import { CAPACITY, type S1Job, type S1Target, type S2Target, STEPS } from "../scenarios.js";
import type { Peer } from "./peer.js";
import { uniqueName } from "./peer.js";
import { dropSchema, ensureDatabase } from "./postgres.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A fresh store location and how to remove it afterwards. */
interface StoreLocation {
  store: string;
  remove(): Promise<void>;
}

async function sqliteLocation(): Promise<StoreLocation> {
  const dir = mkdtempSync(join(tmpdir(), "fairway-peers-"));
  return {
    store: join(dir, "fairway.db"),
    remove: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresLocation(): Promise<StoreLocation> {
  const url = await ensureDatabase("fw_peers_fairway");
  const schema = uniqueName("fairway");
  return { store: `${url}?schema=${schema}`, remove: () => dropSchema(url, schema) };
}

function fairwayPeer(name: string, store: string, locate: () => Promise<StoreLocation>): Peer {
  return {
    name,
    store,
    async s1(): Promise<S1Target> {
      const location = await locate();
      const fairway = new Fairway({ id: "peers-s1", store: location.store, logger: silent });
      return {
        async start(handler) {
          fairway.createFunction(
            { id: "work", concurrency: [{ limit: CAPACITY }, { limit: CAPACITY, key: "event.data.tenant" }] },
            { event: "work/requested" },
            async ({ event }) => handler(event.data as S1Job),
          );
          await fairway.start();
        },
        async send(jobs) {
          await fairway.send(jobs.map((data) => ({ name: "work/requested", data })));
        },
        async close() {
          await fairway.close();
          await location.remove();
        },
      };
    },
    async s2(): Promise<S2Target> {
      const location = await locate();
      let fairway: Fairway | undefined;
      return {
        async start(inFlight, onRunDone) {
          fairway = new Fairway({
            id: "peers-s2",
            store: location.store,
            logger: silent,
            maxConcurrentRuns: inFlight,
          });
          fairway.createFunction({ id: "steps" }, { event: "steps/requested" }, async ({ step }) => {
            for (let i = 0; i < STEPS; i++) await step.run(`s${i}`, () => i);
          });
          fairway.onRunEvent((event) => {
            if (event.type === "run.completed") onRunDone();
          });
          await fairway.start();
        },
        async send(runIds) {
          await fairway!.send(runIds.map((run) => ({ name: "steps/requested", data: { run } })));
        },
        async close() {
          await fairway!.close();
          await location.remove();
        },
      };
    },
  };
}

export const fairwaySqlite = fairwayPeer(
  "Fairway",
  "SQLite file, synchronous FULL (default)",
  sqliteLocation,
);
export const fairwayPostgres = fairwayPeer("Fairway", "PostgreSQL (postgres:// store URL)", postgresLocation);
