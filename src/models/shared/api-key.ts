import { MissingApiKeyError } from "../../errors/missing-api-key-error.js";

/** Where a helper finds its API key, and who it is for (named in `MissingApiKeyError`). */
export interface ApiKeySource {
  /** The `apiKey` option as given (wins over the environment). */
  apiKey: string | undefined;
  /** Environment variable read when the option is absent, e.g. `"OPENAI_API_KEY"`. */
  envVar: string;
  provider: string;
  model: string;
}

/**
 * The API key, read when a call is made (not when the model is defined): the option, else
 * `process.env[envVar]`. Empty strings count as missing.
 *
 * @throws MissingApiKeyError naming the `apiKey` option and the environment variable.
 */
export function loadApiKey(source: ApiKeySource): string {
  const key = findApiKey(source);
  if (key === undefined) throw new MissingApiKeyError(source.provider, source.model, "apiKey", source.envVar);
  return key;
}

/** Like `loadApiKey` but returns `undefined` when there is no key (servers that need none). */
export function findApiKey(source: ApiKeySource): string | undefined {
  const key = source.apiKey ?? process.env[source.envVar];
  return key === undefined || key === "" ? undefined : key;
}
