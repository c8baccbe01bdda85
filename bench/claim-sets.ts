/**
 * The cost of one claim batch with slots on PostgreSQL as S1 with several workers makes it: a heavy tenant's
 * 5,000 backlogged runs, 30 of them holding the function's scope (limit 32), and a batch of `SETS` light
 * tenants' first starts, each tenant a scope set of its own (the function's scope and its key). Calls the
 * claim routine (`fairway_claim_slots`, the locks included) directly in a transaction that is rolled back,
 * 25 times on one connection, and prints the median and p10 of the last 22 (ms, the client's clock).
 *
 * Run: `npx tsx bench/claim-sets.ts` (a few seconds); `SETS=1,20` scope sets per batch (default), `DATABASE_URL`
 * (default the local test database). Compare two checkouts by running it in each, alternately.
 */
import pg from "pg";
import { PostgresStore } from "../src/store/postgres/index.js";
import { run, T0 } from "../test/store/run-record.js";
import { DATABASE_URL } from "./postgres-schema.js";

const SETS = (process.env.SETS ?? "1,20").split(",").map(Number);
const CALLS = 25;
const WARMUP = 3;
const FUNCTION_SCOPE = { scope: "fn:fn", limit: 32 };

/** A backlogged run of backlog `key`, in serving order `queueScore` (the store suites' run). */
const backlogged = (id: string, key: string, queueScore: number) =>
  run(id, { backlogKey: `fn\u0000${key}`, queueScore });

const heavyId = (index: number) => `h${String(index).padStart(5, "0")}`;

async function measure(sets: number): Promise<{ median: number; p10: number; rows: number }> {
  const schema = `fw_bench_claim_sets_${process.pid}_${sets}`;
  const store = new PostgresStore({ connectionString: DATABASE_URL, schema });
  await store.init();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await store.acceptEvents({
      now: T0,
      events: [],
      runs: Array.from({ length: 5000 }, (_, index) => ({
        run: backlogged(heavyId(index), "heavy", T0 + index),
      })),
    });
    await store.acceptEvents({
      now: T0,
      events: [],
      runs: Array.from({ length: sets }, (_, index) => ({
        run: backlogged(`l${index}`, `light${index}`, T0),
      })),
    });
    const heavySlots = [FUNCTION_SCOPE, { scope: "fn:k=heavy", limit: 32 }];
    await Promise.all(
      Array.from({ length: 30 }, (_, index) => store.claimRun(heavyId(index), "w0", T0, 60_000, heavySlots)),
    );
    await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
    const ids = Array.from({ length: sets }, (_, index) => `l${index}`);
    const scopes = ids.flatMap((_, index) => [FUNCTION_SCOPE.scope, `fn:k=light${index}`]);
    const limits = ids.flatMap(() => [32, 32]);
    const scopeSets = ids.flatMap((_, index) => [index + 1, index + 1]);
    const times: number[] = [];
    let rows = 0;
    for (let call = 0; call < CALLS; call++) {
      await client.query("BEGIN");
      const started = performance.now();
      const result = await client.query(
        "SELECT fairway_claim_slots($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        [
          ids,
          ids.map((_, index) => index + 1),
          ids.map(() => true),
          "w1",
          T0 + 1,
          T0 + 60_000,
          scopes,
          limits,
          scopeSets,
          [...new Set(scopes)].sort(),
        ],
      );
      if (call >= WARMUP) times.push(performance.now() - started);
      rows = result.rows.length;
      await client.query("ROLLBACK");
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)]!, p10: times[Math.floor(times.length / 10)]!, rows };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
    await store.close();
  }
}

for (const sets of SETS) {
  const { median, p10, rows } = await measure(sets);
  console.log(
    `${sets} scope set(s) per batch: median ${median.toFixed(1)} ms, p10 ${p10.toFixed(1)} ms (${rows} outcome rows)`,
  );
}
