import type { AgentMessageChunk, StreamingEventData } from "./schema.js";

/**
 * Where agent events go: `publish` receives every chunk, in order. Publishing is best-effort: a throw or
 * rejection is swallowed (reported through `onError` when given) and never fails the run.
 */
export interface StreamingConfig {
  publish: (chunk: AgentMessageChunk) => void | Promise<void>;
  /** Split output that did not stream token by token into pieces (50 chars text/arguments, 80 tool output). */
  simulateChunking?: boolean;
  /** Called with publish failures. Default: ignore. */
  onError?: (error: unknown) => void;
  /** Clock for `timestamp`, ms since epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * Publishes the events of one network run or standalone agent run: numbers them with a sequence counter
 * shared by the network and its agents, adds `threadId` and `userId` to every `data`, and keeps chunks in
 * order even when `publish` is async (each waits for the previous; `flush()` waits for all).
 */
export class StreamingContext {
  readonly config: StreamingConfig;
  #next = 0;
  #tail: Promise<void> = Promise.resolve();
  readonly #scope: { threadId?: string; userId?: string };
  readonly #streamId: string;

  /** `streamId` (the network or agent run id) makes chunk ids unique across runs of one thread. */
  constructor(config: StreamingConfig, streamId: string, scope: { threadId?: string; userId?: string } = {}) {
    this.config = config;
    this.#streamId = streamId;
    this.#scope = scope;
  }

  /** The sequence number the next chunk gets. */
  get sequence(): number {
    return this.#next;
  }

  /** Skips `count` sequence numbers: chunks published inside a step that a replay does not run again. */
  skip(count: number): void {
    this.#next += count;
  }

  /** Publishes one chunk. `idSuffix` tells apart chunks of a retried attempt that reuse sequence numbers. */
  emit<E extends keyof StreamingEventData>(event: E, data: StreamingEventData[E], idSuffix?: string): void {
    const sequenceNumber = this.#next++;
    const scoped: Record<string, unknown> = { ...data };
    if (this.#scope.threadId !== undefined) scoped.threadId ??= this.#scope.threadId;
    if (this.#scope.userId !== undefined) scoped.userId ??= this.#scope.userId;
    const chunk: AgentMessageChunk = {
      event,
      data: scoped,
      timestamp: (this.config.now ?? Date.now)(),
      sequenceNumber,
      id: `publish-${sequenceNumber}:${event}:${this.#streamId}${idSuffix ? `:${idSuffix}` : ""}`,
    };
    this.#tail = this.#tail
      .then(() => this.config.publish(chunk))
      .catch((error: unknown) => this.config.onError?.(error));
  }

  /** Resolves when every chunk emitted so far has been published (or failed to). */
  flush(): Promise<void> {
    return this.#tail;
  }
}

/** Splits `text` into pieces of `size` characters (the whole text when chunking is off). */
export function chunkText(text: string, size: number, simulate: boolean | undefined): string[] {
  if (!simulate || text.length <= size) return [text];
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}
