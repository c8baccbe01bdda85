import type { S1Result, S2Result } from "./scenarios.js";

/** What one peer produced: an S1 result, S2 results by runs in flight, and the failures. */
export interface PeerResults {
  name: string;
  store: string;
  s1?: S1Result;
  s2: Record<number, S2Result>;
  errors: string[];
}

/** The rows the ratios compare with (ids in `PEERS`). */
const BASELINES = ["fairway-sqlite", "fairway-postgres"] as const;

/** Which way is better for a column: throughput up, latency down. */
type Better = "higher" | "lower";

interface Column {
  header: string;
  better: Better;
  value(results: PeerResults): number | undefined;
}

/**
 * How many times better Fairway's `baseline` is than `value`: > 1 Fairway ahead, < 1 the peer ahead.
 * Latencies below 1 ms are taken as 1 ms, so timer noise does not make a ratio.
 */
function advantage(baseline: number, value: number, better: Better): number {
  if (better === "higher") return baseline / value;
  return Math.max(value, 1) / Math.max(baseline, 1);
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1);
}

/**
 * A Markdown table: one row per peer, each number followed, for non-Fairway rows, by Fairway's advantage
 * over it (Fairway on SQLite / Fairway on PostgreSQL).
 */
export function formatTable(results: Record<string, PeerResults>, inFlights: number[]): string {
  const columns: Column[] = [
    { header: "S1 light p50 ms", better: "lower", value: (r) => r.s1?.lightP50Ms },
    { header: "S1 light p99 ms", better: "lower", value: (r) => r.s1?.lightP99Ms },
    { header: "S1 heavy runs/s", better: "higher", value: (r) => r.s1?.heavyRunsPerSecond },
    ...inFlights.map(
      (inFlight): Column => ({
        header: `S2 steps/s, ${inFlight} in flight`,
        better: "higher",
        value: (r) => r.s2[inFlight]?.stepsPerSecond,
      }),
    ),
  ];
  const rows = Object.entries(results).map(([id, r]) => {
    const cells = columns.map((column) => {
      const value = column.value(r);
      if (value === undefined) return "failed";
      const isBaseline = (BASELINES as readonly string[]).includes(id);
      const ratios = BASELINES.map((baselineId) => {
        const baseline = results[baselineId] && column.value(results[baselineId]);
        return baseline === undefined ? "–" : `${advantage(baseline, value, column.better).toFixed(1)}×`;
      });
      return isBaseline ? formatNumber(value) : `${formatNumber(value)} (${ratios.join(" / ")})`;
    });
    return [r.name, r.store, ...cells];
  });
  const header = ["system", "store", ...columns.map((c) => c.header)];
  const lines = [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`);
  return [
    ...lines,
    "",
    "(a× / b×): how many times better Fairway on SQLite / on PostgreSQL is than that row — throughput",
    "divided, or latency divided the other way; above 1 Fairway is ahead, below 1 the peer is.",
  ].join("\n");
}
