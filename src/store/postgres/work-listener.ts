/**
 * Listens for other workers' wake-up notices (`work-notice.ts`) on one dedicated connection (`LISTEN`
 * needs a session; a pooled connection would drop it on release). When the connection drops (a database
 * restart, a network cut) it connects again with exponential backoff and full jitter (100 ms doubling up
 * to 5 s), and once listening again reports `{ kind: "backlogs" }` and `{ kind: "due", at: 0 }`: notices
 * sent meanwhile are lost, so the engine reads what is there.
 *
 * @module
 */
import type pg from "pg";
import type { StoreWork } from "../store.js";
import { fullJitterMs } from "./full-jitter.js";
import { loadPg } from "./load-pg.js";
import { decodeNotice } from "./work-notice.js";

export interface WorkListenerDeps {
  /** A new, unconnected client for the listening session. */
  client: () => pg.Client;
  /** The channel to LISTEN on. */
  channel: string;
  /** This store's sender id: its own notices are ignored. */
  self: string;
  onWork: (work: StoreWork) => void;
  /** First and largest reconnect backoff caps, ms. @default 100, 5000 */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class WorkListener {
  #client: pg.Client | undefined;
  #stopped = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WorkListenerDeps) {}

  /** Connects and listens; throws (and stops) if the first connection fails. */
  async start(): Promise<void> {
    try {
      await this.#listen();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #listen(): Promise<void> {
    const client = this.deps.client();
    const { escapeIdentifier } = await loadPg();
    let lost = false;
    const reconnect = () => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      client.end().catch(() => {});
      if (!this.#stopped) this.#reconnectLater();
    };
    client.on("error", () => {}); // errors while connecting reject `connect()`; later ones are handled below
    client.on("notification", (message) => {
      if (message.channel !== this.deps.channel) return;
      for (const work of decodeNotice(message.payload, this.deps.self)) this.deps.onWork(work);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(this.deps.channel)}`);
    } catch (error) {
      lost = true;
      client.end().catch(() => {});
      throw error;
    }
    client.on("error", reconnect);
    client.on("end", reconnect);
    if (this.#stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#failures = 0;
  }

  #reconnectLater(): void {
    const delayMs = fullJitterMs(this.deps.minDelayMs ?? 100, this.deps.maxDelayMs ?? 5000, this.#failures);
    this.#failures += 1;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#listen().then(
        () => {
          if (this.#stopped) return;
          this.deps.onWork({ kind: "backlogs" });
          this.deps.onWork({ kind: "due", at: 0 });
        },
        () => {
          if (!this.#stopped) this.#reconnectLater();
        },
      );
    }, delayMs);
    this.#retry.unref();
  }
}
