/**
 * The Inngest SDK's wire shapes that Fairway reads: the sync (`POST /fn/register`) body with each
 * function's config, and the step operations of a `206` reply. Lenient where the SDK adds fields over
 * time (`looseObject`): unknown function-config fields are judged by the mapping, which refuses what it
 * cannot run. Source: Inngest `docs/SDK_SPEC.md`; the SDK's `types.ts` (`functionConfigSchema`,
 * `StepOpCode`).
 *
 * @module
 */
import { z } from "zod";

/** A trigger as the SDK sends it: an event with an optional CEL `expression`, or a cron. */
export const wireTriggerSchema = z.union([
  z.looseObject({ event: z.string(), expression: z.string().optional() }),
  z.looseObject({ cron: z.string(), jitter: z.string().optional() }),
]);

/** One function of a sync: `id` is `<app id>-<function id>`; the call URL is `steps.step.runtime.url`. */
export const wireFunctionSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  triggers: z.array(wireTriggerSchema),
  steps: z.looseObject({
    step: z.looseObject({
      runtime: z.looseObject({ type: z.string().optional(), url: z.string().url() }),
      retries: z.looseObject({ attempts: z.number().int() }).optional(),
    }),
  }),
});

/** The body of `POST /fn/register`. */
export const registerBodySchema = z.looseObject({
  url: z.string().url(),
  appName: z.string().min(1),
  deployType: z.string().optional(),
  framework: z.string().optional(),
  sdk: z.string().optional(),
  v: z.string().optional(),
  functions: z.array(wireFunctionSchema),
});

export type WireTrigger = z.infer<typeof wireTriggerSchema>;
export type WireFunction = z.infer<typeof wireFunctionSchema>;
export type RegisterBody = z.infer<typeof registerBodySchema>;

/**
 * A step operation in a `206` reply. `op` is the opcode's name (`StepRun`, `StepError`, `StepFailed`,
 * `StepPlanned`, `Sleep`, `WaitForEvent`, `InvokeFunction`, `AIGateway`, `RunComplete`, …); `id` is the
 * hashed step id the SDK memoizes under; `displayName` the id the user wrote.
 */
export const stepOpSchema = z.looseObject({
  id: z.string(),
  op: z.string(),
  name: z.string().optional(),
  displayName: z.string().optional(),
  opts: z.record(z.string(), z.unknown()).nullish(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
});

export type StepOp = z.infer<typeof stepOpSchema>;

/** The `206` body: one op or a list of them. */
export const stepOpsSchema = z.union([z.array(stepOpSchema), stepOpSchema.transform((op) => [op])]);

/**
 * A memoized step as the SDK reads it back in `steps`: `{ data }` for a result, `{ error }` for a step that
 * failed for good, the raw value for sleeps (`null`) and waits (the event or `null`).
 */
export type MemoizedStep = { data: unknown } | { error: unknown } | Record<string, unknown> | null;
