/**
 * Inngest's internal event names and Fairway's equivalents. A synced function triggered by
 * `inngest/function.failed` (the SDK's `onFailure`) is triggered by `fairway/function.failed`, and the
 * events handed back to the SDK carry Inngest's names again, so the app sees what it would on Inngest.
 *
 * @module
 */
import { CRON_EVENT } from "../engine/cron-triggers.js";
import { FUNCTION_FAILED_EVENT } from "../engine/failure-event.js";
import { INVOKED_EVENT } from "../engine/step-waits.js";

const TO_FAIRWAY = new Map<string, string>([
  ["inngest/function.failed", FUNCTION_FAILED_EVENT],
  ["inngest/function.invoked", INVOKED_EVENT],
  ["inngest/scheduled.timer", CRON_EVENT],
]);
const TO_INNGEST = new Map([...TO_FAIRWAY].map(([inngest, fairway]) => [fairway, inngest]));

/**
 * Fairway's name for a trigger's event name; other names pass unchanged. `undefined` for an `inngest/`
 * event Fairway never sends (`inngest/function.finished`, `inngest/function.cancelled`, …).
 */
export function fairwayEventName(name: string): string | undefined {
  const mapped = TO_FAIRWAY.get(name);
  if (mapped) return mapped;
  return name.startsWith("inngest/") ? undefined : name;
}

/** The name the SDK expects for an event Fairway stored (`fairway/function.failed` → `inngest/function.failed`). */
export function inngestEventName(name: string): string {
  return TO_INNGEST.get(name) ?? name;
}
