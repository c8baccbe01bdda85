/**
 * The type of the event a handler gets, from its triggers and the client's declared event schemas.
 * Type-only.
 *
 * @module
 */
import type { EventDataOf, EventMap } from "./event-schemas.js";
import type { Trigger } from "./function-config.js";
import type { FairwayEvent } from "./step-types.js";

/** The event of one trigger: a declared event's data, `{ cron }` for a cron trigger, else any JSON data. */
type EventOfTrigger<TEvents extends EventMap, T> = T extends { event: infer Name extends string }
  ? FairwayEvent<EventDataOf<TEvents, Name>> & { name: Name }
  : T extends { cron: string }
    ? FairwayEvent<{ cron: string }> & { name: "fairway/scheduled.timer" }
    : never;

/** The event a handler with triggers `T` (one or a list) gets: the union over its triggers. */
export type TriggeredEvent<
  TEvents extends EventMap,
  T extends Trigger | readonly Trigger[],
> = T extends readonly (infer Each)[] ? EventOfTrigger<TEvents, Each> : EventOfTrigger<TEvents, T>;
