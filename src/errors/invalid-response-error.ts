import { ModelCallError } from "./model-call-error.js";

/**
 * The provider answered 2xx but the body is not what its wire format documents (empty, not JSON,
 * `null`, missing fields, a bad stream chunk). Retryable: it is usually a transient provider fault.
 */
export class InvalidResponseError extends ModelCallError {
  constructor(provider: string, model: string, problem: string, responseBody?: string, cause?: unknown) {
    super(
      `invalid response: ${problem}`,
      { provider, model, isRetryable: true, responseBody, cause },
      "model_response_invalid",
    );
  }
}
