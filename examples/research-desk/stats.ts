/**
 * Latency statistics for the load summary.
 *
 * @module
 */

/**
 * The `p`-th percentile of `values` by the nearest-rank method (the smallest value such that at least
 * `p` % of the values are ≤ it; NIST/Hyndman & Fan definition 1). `undefined` for an empty list.
 *
 * @param p percentile in (0, 100]; outside that range throws RangeError.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100] (received ${p})`);
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

/** Formats a duration in ms for a table cell: `"–"` when absent, `"850ms"`, `"12.4s"`. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return "–";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}
