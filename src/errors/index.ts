export { ApiError } from "./api-error.js";
export { AuthError } from "./auth-error.js";
export { ClosedError } from "./closed-error.js";
export { ConfigError } from "./config-error.js";
export { FairwayError, type SerializedError, serializeError } from "./fairway-error.js";
export { ForbiddenError } from "./forbidden-error.js";
export { InvalidResponseError } from "./invalid-response-error.js";
export { InvalidToolArgumentsError } from "./invalid-tool-arguments-error.js";
export { LimitError } from "./limit-error.js";
export { McpError } from "./mcp-error.js";
export { MigrationError } from "./migration-error.js";
export { MissingApiKeyError } from "./missing-api-key-error.js";
export { MissingPeerError } from "./missing-peer-error.js";
export { ModelCallError, type ModelCallErrorDetails } from "./model-call-error.js";
export { NonDeterminismError } from "./non-determinism-error.js";
export { NonRetriableError } from "./non-retriable-error.js";
export { NotFoundError } from "./not-found-error.js";
export { OutputValidationError } from "./output-validation-error.js";
export { RetryAfterError } from "./retry-after-error.js";
export { RunCancelledError } from "./run-cancelled-error.js";
export { RunFailedError } from "./run-failed-error.js";
export { RunSkippedError } from "./run-skipped-error.js";
export { SerializationError } from "./serialization-error.js";
export { StepCrashedError } from "./step-crashed-error.js";
export { StepError } from "./step-error.js";
export {
  StoreConnectionError,
  type StoreUrlOrigin,
  type StoreUrlSource,
} from "./store-connection-error.js";
export { StoreError } from "./store-error.js";
export { TimeoutError } from "./timeout-error.js";
export { ToolCallError } from "./tool-call-error.js";
export { UnknownToolError } from "./unknown-tool-error.js";
export { ValidationError, type ValidationIssue } from "./validation-error.js";
