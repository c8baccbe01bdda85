import { Hono } from "hono";
import type { FairwayFunction } from "../../engine/registered-function.js";
import { FLOW_CONFIG_FIELDS } from "../../flow/config/types.js";
import { type AuthVariables, guard } from "../auth/guard.js";
import type { ServerAuth } from "../auth/server-auth.js";

/** A function as `GET /api/functions` shows it. */
export interface FunctionView {
  id: string;
  name: string;
  triggers: Array<{ event: string; if?: string } | { cron: string }>;
  retries: number;
  flowControl: Record<string, unknown>;
}

/** The JSON view of a function: triggers, retries, and the flow-control settings it uses (normalized: durations in ms). */
export function functionView(fn: FairwayFunction): FunctionView {
  const flow = fn.config.flow as unknown as Record<string, unknown>;
  const flowControl: Record<string, unknown> = {};
  for (const field of FLOW_CONFIG_FIELDS) {
    const value = plainData(flow[field]);
    if (!isEmpty(value)) flowControl[field] = value;
  }
  return {
    id: fn.id,
    name: fn.name,
    triggers: fn.triggers.map((trigger) =>
      trigger.kind === "cron"
        ? { cron: trigger.cron }
        : { event: trigger.event, ...(trigger.if && { if: trigger.if }) },
    ),
    retries: fn.config.retries,
    flowControl,
  };
}

/** `GET /api/functions` (signing key): every function with its triggers and flow-control config. */
export function functionRoutes(
  auth: ServerAuth,
  functions: () => FairwayFunction[],
): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.get("/api/functions", guard(auth, ["admin"]), (c) =>
    c.json({ functions: functions().map(functionView) }),
  );
  return app;
}

/** Copies JSON data out of a normalized config, leaving out functions and compiled (class) objects. */
function plainData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainData);
  if (typeof value === "function") return undefined;
  if (typeof value !== "object" || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const copied = plainData(item);
    if (copied !== undefined) out[key] = copied;
  }
  return out;
}

/** Unset flow fields: undefined, empty lists (no concurrency limit, no cancelOn) and empty objects (no timeouts). */
function isEmpty(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}
