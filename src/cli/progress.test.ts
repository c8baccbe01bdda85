import { describe, expect, it } from "vitest";
import { Progress } from "./progress.js";

/** An output that records what is written. */
function output(isTTY: boolean) {
  const written: string[] = [];
  return { written, out: { isTTY, write: (text: string) => written.push(text) } };
}

describe("Progress.clear", () => {
  it("erases the spinner line on a terminal, so what follows starts on a clean line", () => {
    const { written, out } = output(true);
    const progress = new Progress(out);
    progress.update("opening the store");
    progress.clear();
    expect(written.at(-1)).toBe("\r\x1b[2K");
  });

  it("leaves a log's lines as they are", () => {
    const { written, out } = output(false);
    const progress = new Progress(out, { now: () => 0 });
    progress.update("opening the store");
    progress.clear();
    expect(written).toEqual(["opening the store\n"]);
  });
});
