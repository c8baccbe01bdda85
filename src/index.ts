/**
 * Fairway: durable, multi-tenant AI agent networks.
 *
 * @module
 */
export {
  Agent,
  type AgentLifecycle,
  type AgentOptions,
  AgentResult,
  type AgentResultExport,
  type AgentRunOptions,
  type AnyTool,
  createAgent,
  createNetwork,
  createRoutingAgent,
  createState,
  createTool,
  createToolManifest,
  type FnRouter,
  type GetStepTools,
  getDefaultRoutingAgent,
  type History,
  type HistoryConfig,
  type HistoryContext,
  type HistoryUserMessage,
  isFairwayFunction,
  type MaybePromise,
  type Message,
  Network,
  type NetworkOptions,
  NetworkRun,
  type NetworkRunOptions,
  type NetworkStopReason,
  type Router,
  type RouterArgs,
  RoutingAgent,
  type RoutingAgentOptions,
  type RoutingLifecycle,
  State,
  type StateData,
  type StateJSON,
  type StateKV,
  type StateOptions,
  type TextMessage,
  type Tool,
  type ToolCallMessage,
  type ToolErrorPayload,
  type ToolHandlerOptions,
  type ToolMessage,
  type ToolResultMessage,
  type ToolResultPayload,
  toState,
  type UserMessage,
} from "./agents/index.js";
export type { Clock, TimerHandle } from "./engine/clock.js";
export type { FlowStateEntry } from "./engine/engine-flow.js";
export {
  type AnyEventData,
  type EventDataOf,
  type EventDataTypes,
  type EventMap,
  EventSchemas,
  type SendEventPayload,
  type ZodEventSchemas,
} from "./engine/event-schemas.js";
export { currentExecution, type ExecutionContext } from "./engine/execution-context.js";
export type {
  FunctionConfig,
  NormalizedFunctionConfig,
  NormalizedTrigger,
  Trigger,
} from "./engine/function-config.js";
export type { LimitOverrideInput, Limits } from "./engine/limits.js";
export type { FairwayFunction } from "./engine/registered-function.js";
export type {
  Duration,
  EventPayload,
  FairwayEvent,
  InvokeOptions,
  StepTools,
  WaitForEventOptions,
} from "./engine/step-types.js";
export type { TriggeredEvent } from "./engine/triggered-event.js";
export type {
  FairwayOptions,
  Handler,
  HandlerContext,
  Logger,
  RetentionOptions,
  Run,
  RunEvent,
  RunEventType,
  StepRecord,
} from "./engine/types.js";
export type {
  ModelPrice,
  PriceTable,
  RunUsage,
  TenantModelUsage,
  UsageTotals,
} from "./engine/usage.js";
export {
  AuthError,
  ClosedError,
  ConfigError,
  FairwayError,
  ForbiddenError,
  InvalidToolArgumentsError,
  LimitError,
  McpError,
  MigrationError,
  NonDeterminismError,
  NonRetriableError,
  NotFoundError,
  OutputValidationError,
  RetryAfterError,
  RunCancelledError,
  RunFailedError,
  RunSkippedError,
  SerializationError,
  type SerializedError,
  StepCrashedError,
  StepError,
  StoreConnectionError,
  StoreError,
  type StoreUrlOrigin,
  type StoreUrlSource,
  TimeoutError,
  ToolCallError,
  UnknownToolError,
  ValidationError,
  type ValidationIssue,
} from "./errors/index.js";
export { type AnyFairway, Fairway, FUNCTION_FAILED_EVENT } from "./fairway.js";
export type {
  BatchEventsInput,
  CancelOnInput,
  ConcurrencyLimitInput,
  ConcurrencyScope,
  DebounceInput,
  FlowConfig,
  FlowConfigInput,
  PriorityInput,
  RateLimitInput,
  SingletonInput,
  ThrottleInput,
  TimeoutsInput,
} from "./flow/config/types.js";
export { NULL_KEY } from "./flow/keys.js";
export type { MCP, McpServer, McpTransport } from "./mcp/mcp-server.js";
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
export { PostgresStore, type PostgresStoreOptions } from "./store/postgres/postgres-store.js";
export {
  SqliteStore,
  type SqliteStoreOptions,
  type SqliteSynchronous,
} from "./store/sqlite/sqlite-store.js";
export type {
  DueCursor,
  LeaseFence,
  LimitOverride,
  RegisterWaitResult,
  RetentionInput,
  RetentionResult,
  RunFilter,
  RunStatus,
  StepOp,
  StepStatus,
  Store,
  UsageQuery,
  UsageRecord,
  UsageTotal,
} from "./store/store.js";
export {
  type AgentMessageChunk,
  AgentMessageChunkSchema,
  isEventType,
  type StreamingEventName,
} from "./streaming/schema.js";
export type { StreamingConfig } from "./streaming/streaming-context.js";
