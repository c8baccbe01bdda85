/**
 * Sends the load's events the way real clients do: `POST /api/events` on the desk's server, with the
 * event key (`FAIRWAY_EVENT_KEYS`, first one) or signing key (`FAIRWAY_SIGNING_KEY`) when the server
 * has credentials, and none in open (development) mode.
 *
 * @module
 */
import { type EventPayload, FairwayError } from "../../src/index.js";

/** The event keys in `FAIRWAY_EVENT_KEYS` (comma-separated; blanks dropped). */
export function eventKeysFrom(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env.FAIRWAY_EVENT_KEYS ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
}

/** Returns a `send` that posts events to `baseUrl`'s event API. Non-2xx replies reject with the server's error. */
export function httpSender(
  baseUrl: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): (events: EventPayload | EventPayload[]) => Promise<{ ids: string[] }> {
  const key = eventKeysFrom(env)[0] ?? env.FAIRWAY_SIGNING_KEY?.trim();
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  return async (events) => {
    const response = await fetch(new URL("/api/events", baseUrl), {
      method: "POST",
      headers,
      body: JSON.stringify(events),
    });
    const body = (await response.json()) as { ids?: string[]; error?: { code?: string; message?: string } };
    if (!response.ok || !Array.isArray(body.ids)) {
      throw new FairwayError(
        body.error?.code ?? "event_api_failed",
        `POST /api/events answered ${response.status}: ${body.error?.message ?? "no event ids"}`,
      );
    }
    return { ids: body.ids };
  };
}
