/** Lets the engine react to what a test just did (no wall-clock waiting): `fairway/testing`'s `settle`. */
export { settle } from "../../src/testing/settle.js";
