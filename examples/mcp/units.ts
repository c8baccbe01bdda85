/**
 * Unit conversion for the example MCP server: length, mass and temperature, by exact factors (temperature
 * through Kelvin).
 *
 * @module
 */

/** Units by dimension: a factor to the base unit (m, kg), or for temperature a pair of functions. */
const LINEAR: Record<string, { dimension: "length" | "mass"; factor: number }> = {
  mm: { dimension: "length", factor: 0.001 },
  cm: { dimension: "length", factor: 0.01 },
  m: { dimension: "length", factor: 1 },
  km: { dimension: "length", factor: 1000 },
  in: { dimension: "length", factor: 0.0254 },
  ft: { dimension: "length", factor: 0.3048 },
  yd: { dimension: "length", factor: 0.9144 },
  mi: { dimension: "length", factor: 1609.344 },
  g: { dimension: "mass", factor: 0.001 },
  kg: { dimension: "mass", factor: 1 },
  oz: { dimension: "mass", factor: 0.028349523125 },
  lb: { dimension: "mass", factor: 0.45359237 },
};

const TEMPERATURE: Record<string, { toKelvin: (v: number) => number; fromKelvin: (k: number) => number }> = {
  c: { toKelvin: (v) => v + 273.15, fromKelvin: (k) => k - 273.15 },
  f: { toKelvin: (v) => ((v - 32) * 5) / 9 + 273.15, fromKelvin: (k) => ((k - 273.15) * 9) / 5 + 32 },
  k: { toKelvin: (v) => v, fromKelvin: (k) => k },
};

/** Every unit name accepted, by dimension. */
export function listUnits(): Record<string, string[]> {
  const out: Record<string, string[]> = { length: [], mass: [], temperature: Object.keys(TEMPERATURE) };
  for (const [unit, { dimension }] of Object.entries(LINEAR)) out[dimension]?.push(unit);
  return out;
}

/**
 * Converts `value` from one unit to another of the same dimension, rounded to 6 significant digits.
 *
 * @throws Error naming the unit that is unknown, or the two dimensions that differ.
 */
export function convert(value: number, from: string, to: string): number {
  const [a, b] = [from.toLowerCase(), to.toLowerCase()];
  const round = (n: number) => Number(n.toPrecision(6));
  const ta = TEMPERATURE[a];
  const tb = TEMPERATURE[b];
  if (ta && tb) return round(tb.fromKelvin(ta.toKelvin(value)));
  const la = LINEAR[a];
  const lb = LINEAR[b];
  if (!(la || ta)) throw new Error(`unknown unit "${from}"; see list_units`);
  if (!(lb || tb)) throw new Error(`unknown unit "${to}"; see list_units`);
  if (!la || !lb || la.dimension !== lb.dimension)
    throw new Error(`cannot convert ${from} to ${to}: different dimensions`);
  return round((value * la.factor) / lb.factor);
}
