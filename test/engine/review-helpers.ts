import { trackedStoresIdle } from "../helpers/postgres.js";

/**
 * Lets the engine react to what a test just did: a few event-loop turns (no wall-clock waiting), then,
 * on PostgreSQL, until no store call is in flight.
 */
export async function settle(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  await trackedStoresIdle();
}
