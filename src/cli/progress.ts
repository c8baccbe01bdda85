/** Where progress is drawn: a TTY redraws one line; anything else gets a line per update, throttled. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A one-line progress display for long operations (sending many events, waiting for a run):
 * `update(text)` redraws it with a spinner, `done(text)` prints the final line, `clear()` erases it.
 * On a non-TTY (CI logs, pipes) it prints only changes of text, at most one per `minIntervalMs`.
 */
export class Progress {
  readonly #out: ProgressOutput;
  readonly #now: () => number;
  readonly #minIntervalMs: number;
  #frame = 0;
  #last = "";
  #lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    out: ProgressOutput = process.stderr,
    options: { now?: () => number; minIntervalMs?: number } = {},
  ) {
    this.#out = out;
    this.#now = options.now ?? Date.now;
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
  }

  update(text: string): void {
    if (this.#out.isTTY) {
      this.#frame = (this.#frame + 1) % FRAMES.length;
      this.#out.write(`\r\x1b[2K${FRAMES[this.#frame]} ${text}`);
      return;
    }
    const now = this.#now();
    if (text === this.#last || now - this.#lastAt < this.#minIntervalMs) return;
    this.#last = text;
    this.#lastAt = now;
    this.#out.write(`${text}\n`);
  }

  /** Erases the spinner line (a TTY); elsewhere the lines printed stay. For output that follows on another stream. */
  clear(): void {
    if (this.#out.isTTY) this.#out.write("\r\x1b[2K");
  }

  done(text: string): void {
    this.#out.write(this.#out.isTTY ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }
}

/** A `[#####-----] 50%` bar for `done` of `total`. */
export function bar(done: number, total: number, width = 24): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(ratio * 100)}%`;
}
