/** Lets the engine react to what a test just did: a few event-loop turns (no wall-clock waiting). */
export async function settle(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}
