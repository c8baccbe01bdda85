import { ModelCallError } from "./model-call-error.js";

/**
 * No API key for a provider: neither the `apiKey` option nor the environment variable is set.
 * Never retried. `option` is the helper option (e.g. `"apiKey"`), `envVar` the variable read.
 */
export class MissingApiKeyError extends ModelCallError {
  readonly option: string;
  readonly envVar: string;

  constructor(provider: string, model: string, option: string, envVar: string) {
    super(
      `no API key. Pass the \`${option}\` option or set the ${envVar} environment variable.`,
      { provider, model, isRetryable: false },
      "model_api_key_missing",
    );
    this.option = option;
    this.envVar = envVar;
  }
}
