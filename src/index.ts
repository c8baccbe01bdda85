/**
 * Fairway: durable, multi-tenant AI agent networks.
 *
 * @module
 */
export type { Clock, TimerHandle } from "./engine/clock.js";
export { currentExecution, type ExecutionContext } from "./engine/execution-context.js";
export { Fairway, FUNCTION_FAILED_EVENT } from "./engine/fairway.js";
export type {
  FunctionConfig,
  NormalizedFunctionConfig,
  NormalizedTrigger,
  Trigger,
} from "./engine/function-config.js";
export type { FairwayFunction } from "./engine/registered-function.js";
export type {
  Duration,
  EventPayload,
  FairwayEvent,
  InvokeOptions,
  StepTools,
  WaitForEventOptions,
} from "./engine/step-types.js";
export type {
  FairwayOptions,
  Handler,
  HandlerContext,
  Logger,
  Run,
  RunEvent,
  RunEventType,
  StepRecord,
} from "./engine/types.js";
export {
  ConfigError,
  FairwayError,
  LimitError,
  MigrationError,
  NonDeterminismError,
  NonRetriableError,
  NotFoundError,
  RetryAfterError,
  RunCancelledError,
  RunFailedError,
  SerializationError,
  type SerializedError,
  StepError,
  StoreError,
  TimeoutError,
  ValidationError,
  type ValidationIssue,
} from "./errors/index.js";
export {
  type AnthropicOptions,
  type AzureOpenAiOptions,
  anthropic,
  azureOpenai,
  type GeminiOptions,
  type GrokOptions,
  gemini,
  grok,
  InvalidResponseError,
  MissingApiKeyError,
  type Model,
  ModelCallError,
  type ModelDelta,
  type ModelRequest,
  type ModelResponse,
  type OpenAiOptions,
  openai,
  type StopReason,
  type TransportOptions,
  toStepFailure,
  type Usage,
} from "./models/index.js";
export { MemoryStore } from "./store/memory/memory-store.js";
export { SqliteStore, type SqliteStoreOptions } from "./store/sqlite/sqlite-store.js";
export type { RunFilter, RunStatus, StepOp, StepStatus, Store } from "./store/store.js";
