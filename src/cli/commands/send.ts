import { readFile } from "node:fs/promises";
import { parse as secureParse } from "secure-json-parse";
import { ApiClient } from "../api-client.js";
import { bar, Progress } from "../progress.js";
import type { ConnectionOptions } from "./connection.js";
import { connectionOf } from "./connection.js";

/** Options of `fairway send`. */
export interface SendOptions extends ConnectionOptions {
  data?: string;
  id?: string;
  file?: string;
  /** Events per request with `file`: an integer from 1 to `MAX_EVENTS_PER_SEND` (checked by the CLI's parser). */
  batch?: number;
}

/**
 * `fairway send <name> --data <json>`: sends one event and prints its id. With `--file <path>` (one JSON
 * object per line: the event's data, or a whole event when it has a `name`), sends every line in
 * batches of `--batch` (default 500) with a progress bar on stderr.
 */
export async function sendCommand(name: string, options: SendOptions): Promise<void> {
  const client = new ApiClient(connectionOf(options, "event"));
  if (options.file === undefined) {
    const event = {
      name,
      data: parseObject(options.data ?? "{}", "--data"),
      ...(options.id && { id: options.id }),
    };
    const { ids } = await client.request<{ ids: string[] }>("POST", "/api/events", event);
    process.stdout.write(`${ids.join("\n")}\n`);
    return;
  }
  const lines = (await readFile(options.file, "utf8")).split("\n").filter((line) => line.trim() !== "");
  const events = lines.map((line, index) => {
    const value = parseObject(line, `${options.file}:${index + 1}`);
    return typeof value.name === "string" ? value : { name, data: value };
  });
  const size = options.batch ?? 500;
  const progress = new Progress();
  let sent = 0;
  for (let start = 0; start < events.length; start += size) {
    const { ids } = await client.request<{ ids: string[] }>(
      "POST",
      "/api/events",
      events.slice(start, start + size),
    );
    sent += ids.length;
    progress.update(`sending ${bar(sent, events.length)} ${sent}/${events.length}`);
  }
  progress.done(`sent ${sent} events`);
}

function parseObject(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = secureParse(text);
  } catch (error) {
    throw new Error(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
