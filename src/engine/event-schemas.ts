/**
 * `EventSchemas`: event data declared once with zod, like Inngest's `EventSchemas().fromZod(...)`. Passed
 * to `new Fairway({ schemas })`, it types `event.data` in handlers (by trigger) and in `send`, and the
 * engine checks every sent event of a declared name against it (`send`, `step.sendEvent`, the event API).
 *
 * @module
 */
import type { z } from "zod";
import { ConfigError } from "../errors/config-error.js";
import { ValidationError } from "../errors/validation-error.js";
import { zodIssues } from "../errors/zod-issues.js";
import type { EventPayload } from "./step-types.js";

/** The data of an event with no declared schema: any JSON object. */
// biome-ignore lint/suspicious/noExplicitAny: undeclared events are untyped, as in Inngest and AgentKit
export type AnyEventData = Record<string, any>;

/** A declared event's data types: what `send` accepts (`input`) and what handlers get (`output`). */
export interface EventDataTypes {
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}

/** Declared events by name. */
export type EventMap = Record<string, EventDataTypes>;

/** What `fromZod` takes: per event name, `{ data }` — a zod schema of an object. */
export type ZodEventSchemas = Record<string, { data: z.ZodType<Record<string, unknown>> }>;

type FromZod<TSchemas extends ZodEventSchemas> = {
  [Name in keyof TSchemas & string]: {
    input: z.input<TSchemas[Name]["data"]>;
    output: z.output<TSchemas[Name]["data"]>;
  };
};

/**
 * Event schemas. `fromZod` adds events (call it again to add more; a name may be declared once).
 *
 * @example
 * const schemas = new EventSchemas().fromZod({
 *   "deep-research-network/run": { data: z.object({ user_id: z.string(), input: z.string() }) },
 * });
 * const fairway = new Fairway({ id: "app", schemas });
 * // event.data is { user_id: string; input: string } in a function triggered by it, and
 * await fairway.send({ name: "deep-research-network/run", data: { user_id: 1 } }); // fails to compile;
 * // at run time (untyped callers, the HTTP API) it throws ValidationError "data.user_id: Invalid input…"
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is the empty event map (no event declared yet)
export class EventSchemas<TEvents extends EventMap = {}> {
  /** Declared schemas by event name. */
  readonly schemas: ReadonlyMap<string, z.ZodType<Record<string, unknown>>>;
  /** Carries the declared types only; never set. */
  declare readonly __events?: TEvents;

  constructor(schemas: ReadonlyMap<string, z.ZodType<Record<string, unknown>>> = new Map()) {
    this.schemas = schemas;
  }

  /**
   * Declares events: `{ [name]: { data: zodSchema } }`. Returns a new `EventSchemas` with them added.
   * @throws ConfigError naming the event when a name is declared twice or has no zod `data` schema.
   */
  fromZod<TSchemas extends ZodEventSchemas>(events: TSchemas): EventSchemas<TEvents & FromZod<TSchemas>> {
    const next = new Map(this.schemas);
    for (const [name, entry] of Object.entries(events)) {
      if (typeof (entry as { data?: { safeParse?: unknown } })?.data?.safeParse !== "function") {
        throw new ConfigError(`schemas["${name}"].data`, "must be a zod schema of the event's data");
      }
      if (next.has(name)) throw new ConfigError(`schemas["${name}"]`, "is declared twice");
      next.set(name, entry.data);
    }
    return new EventSchemas(next);
  }

  /**
   * Checks the data of each event with a declared schema and returns the list with the parsed data (zod's
   * output: defaults filled, unknown keys of a plain `z.object` dropped). Events of other names pass as
   * they are. Paths are prefixed like `validateEvents`' (`"[1].data.user_id"` in a list). Used by the
   * scheduler after the shape checks of a send.
   * @throws ValidationError listing every issue.
   */
  parse(events: EventPayload[], single: boolean): EventPayload[] {
    if (this.schemas.size === 0) return events;
    const issues: ReturnType<typeof zodIssues> = [];
    const parsed = events.map((event, index) => {
      const schema = this.schemas.get(event.name);
      if (!schema) return event;
      const result = schema.safeParse(event.data ?? {});
      if (result.success) return { ...event, data: result.data };
      issues.push(...zodIssues(result.error.issues, single ? "data" : `[${index}].data`));
      return event;
    });
    if (issues.length > 0) {
      const names = [...new Set(events.map((event) => event.name))].join(", ");
      throw new ValidationError(single ? `event "${names}"` : `events (${names})`, issues);
    }
    return parsed;
  }
}

/** `data` of event `Name` as handlers get it: the declared schema's output, else any JSON object. */
export type EventDataOf<TEvents extends EventMap, Name extends string> = Name extends keyof TEvents
  ? TEvents[Name]["output"]
  : AnyEventData;

/**
 * An event `send` accepts for name `Name`: a declared event needs `data` of its schema's input type
 * (optional when every field is); others take any JSON object.
 */
export type SendEventPayload<TEvents extends EventMap, Name extends string> = Name extends keyof TEvents
  ? Omit<EventPayload, "name" | "data"> & { name: Name } & DataField<TEvents[Name]["input"]>
  : Omit<EventPayload, "name" | "data"> & { name: Name; data?: AnyEventData };

// biome-ignore lint/complexity/noBannedTypes: `{}` tests whether every field of the data is optional
type DataField<TData> = {} extends TData ? { data?: TData } : { data: TData };
