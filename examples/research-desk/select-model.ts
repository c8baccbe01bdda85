/**
 * Which model the research desk uses: a provider from the environment (see `examples/shared/select-model.ts`
 * for the variables and their order), else the offline keyword policy.
 *
 * @module
 */
import { type SelectedModel, selectModel as selectFromEnv } from "../shared/select-model.js";
import { type OfflineModelOptions, offlineModel } from "./offline-model.js";

export type { SelectedModel } from "../shared/select-model.js";

/**
 * Picks the model from `env` (default `process.env`).
 *
 * @param offline options for the offline model, used when no provider is configured.
 */
export function selectModel(
  env: Readonly<Record<string, string | undefined>> = process.env,
  offline: OfflineModelOptions = {},
): SelectedModel {
  return selectFromEnv(() => offlineModel(offline), env);
}
