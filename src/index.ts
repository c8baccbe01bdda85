/**
 * Fairway: durable, multi-tenant AI agent networks.
 *
 * @module
 */
export {
  ConfigError,
  FairwayError,
  LimitError,
  NonRetriableError,
  NotFoundError,
  RetryAfterError,
  type SerializedError,
  ValidationError,
  type ValidationIssue,
} from "./errors/index.js";
