/**
 * S1's measures (DESIGN.md §6), shared by the one-process bench (`fairness.ts`) and the worker-process one
 * (`fairness-workers.ts`): percentiles, and Jain's fairness index per 1 s window on max-min fair shares.
 * Times are ms on one clock (any origin, as long as sends and starts share it).
 */

/** A run's send (by tenant). */
export interface Sent {
  tenant: string;
  at: number;
}

/** A run's handler start, with when it was sent. */
export interface Started {
  tenant: string;
  sentAt: number;
  startedAt: number;
}

/**
 * Jain's index per 1 s window over the tenants with demand in it, on each tenant's starts divided by its
 * max-min fair share of the window's starts (demand = queued at the window start + sent during it).
 * 1 = every tenant got its fair share. Windows from `from` while a whole one fits before `to`.
 */
export function jainPerSecond(sent: Sent[], samples: Started[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let start = from; start + 1000 <= to; start += 1000) {
    const end = start + 1000;
    const demand = new Map<string, number>();
    for (const s of sent) if (s.at < end) demand.set(s.tenant, (demand.get(s.tenant) ?? 0) + 1);
    for (const s of samples) if (s.startedAt < start) demand.set(s.tenant, (demand.get(s.tenant) ?? 0) - 1);
    const starts = new Map<string, number>();
    for (const s of samples) {
      if (s.startedAt >= start && s.startedAt < end) starts.set(s.tenant, (starts.get(s.tenant) ?? 0) + 1);
    }
    const total = [...starts.values()].reduce((a, b) => a + b, 0);
    const fair = maxMinShares(demand, total);
    const ratios = [...fair.entries()]
      .filter(([, share]) => share > 0)
      .map(([t, share]) => (starts.get(t) ?? 0) / share);
    if (ratios.length === 0) continue;
    const sum = ratios.reduce((a, b) => a + b, 0);
    const squares = ratios.reduce((a, b) => a + b * b, 0);
    out.push(squares === 0 ? 1 : (sum * sum) / (ratios.length * squares));
  }
  return out;
}

/** Water-filling: each tenant gets min(demand, equal split of what is left). */
function maxMinShares(demand: Map<string, number>, total: number): Map<string, number> {
  const entries = [...demand.entries()].filter(([, d]) => d > 0).sort((a, b) => a[1] - b[1]);
  const shares = new Map<string, number>();
  let left = total;
  entries.forEach(([tenant, d], index) => {
    const share = Math.min(d, left / (entries.length - index));
    shares.set(tenant, share);
    left -= share;
  });
  return shares;
}

/** The `p`-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** "mean …, min …, p10 …" of `values` (3 decimals), or "n/a". */
export function summary(values: number[]): string {
  if (values.length === 0) return "n/a";
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return `mean ${mean.toFixed(3)}, min ${sorted[0]!.toFixed(3)}, p10 ${percentile(values, 10).toFixed(3)}`;
}
