/**
 * One scenario of one peer, in a process of its own (DBOS keeps global state; every peer gets a cold,
 * equal start): `tsx child.ts <peer> s1|s2 full|smoke [inFlight] [--light-during-flood]`. Prints its result as the last line,
 * `RESULT <json>`, for `run.ts`.
 */
import { isPeerId, PEERS } from "./peers/index.js";
import { runS1, runS2, SIZES } from "./scenarios.js";

const args = process.argv.slice(2).filter((arg) => arg !== "--light-during-flood");
const lightDuringFlood = process.argv.includes("--light-during-flood");
const [peerId = "", scenario, size, inFlightArg] = args;
if (!isPeerId(peerId)) throw new Error(`peer: "${peerId}" is not one of ${Object.keys(PEERS).join(", ")}`);
if (size !== "full" && size !== "smoke") throw new Error(`size: must be "full" or "smoke", got "${size}"`);
const peer = PEERS[peerId];
const sizes = SIZES[size];
let result: unknown;
if (scenario === "s1") {
  result = await runS1(await peer.s1(), sizes, { lightDuringFlood });
} else if (scenario === "s2") {
  const inFlight = Number(inFlightArg);
  const runs = sizes.s2Runs[inFlight];
  if (runs === undefined)
    throw new Error(`inFlight: must be one of ${Object.keys(sizes.s2Runs).join(", ")}, got "${inFlightArg}"`);
  result = await runS2(await peer.s2(), inFlight, runs);
} else {
  throw new Error(`scenario: must be "s1" or "s2", got "${scenario}"`);
}
console.log(`RESULT ${JSON.stringify(result)}`);
// Some clients keep sockets or timers after closing; the result is out, so end here.
process.exit(process.exitCode ?? 0);
