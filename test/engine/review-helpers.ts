import { settle as settleTurns } from "../../src/testing/settle.js";
import { trackedStoresIdle } from "../helpers/postgres.js";

/**
 * Lets the engine react to what a test just did (no wall-clock waiting): `fairway/testing`'s `settle`,
 * then, on PostgreSQL, until no store call is in flight.
 */
export async function settle(): Promise<void> {
  await settleTurns();
  await trackedStoresIdle();
}
