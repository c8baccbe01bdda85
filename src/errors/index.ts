export { AuthError } from "./auth-error.js";
export { ConfigError } from "./config-error.js";
export { FairwayError, type SerializedError, serializeError } from "./fairway-error.js";
export { ForbiddenError } from "./forbidden-error.js";
export { LimitError } from "./limit-error.js";
export { NonRetriableError } from "./non-retriable-error.js";
export { NotFoundError } from "./not-found-error.js";
export { RetryAfterError } from "./retry-after-error.js";
export { ValidationError, type ValidationIssue } from "./validation-error.js";
