/**
 * Which model an example uses: `FAIRWAY_BASE_URL` (any OpenAI-compatible server: Ollama, vLLM, llama.cpp,
 * LM Studio, OpenRouter; `OPENAI_API_KEY`, when set, is sent as its key) if it is set, else the first
 * provider whose key is set, in the order `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GEMINI_API_KEY`,
 * `XAI_API_KEY`; with none set, the example's offline model. `FAIRWAY_MODEL` overrides the model name of
 * whichever provider is chosen.
 *
 * @module
 */
import { anthropic, gemini, grok, type Model, openai } from "../../src/index.js";

/** The chosen model and why it was chosen. */
export interface SelectedModel {
  model: Model;
  /** The environment variable that selected it, or `"none"` for the offline model. */
  selectedBy: string;
  /** True for the offline model (not an LLM). */
  offline: boolean;
}

interface Candidate {
  envVar: string;
  defaultModel: string;
  create: (modelName: string, value: string) => Model;
}

const CANDIDATES: Candidate[] = [
  // First: a base URL is an explicit choice of server, and a keyed one (OpenRouter) takes OPENAI_API_KEY.
  {
    envVar: "FAIRWAY_BASE_URL",
    defaultModel: "llama3.2",
    create: (model, baseUrl) => openai({ model, baseUrl }),
  },
  { envVar: "OPENAI_API_KEY", defaultModel: "gpt-4o-mini", create: (model) => openai({ model }) },
  { envVar: "ANTHROPIC_API_KEY", defaultModel: "claude-haiku-4-5", create: (model) => anthropic({ model }) },
  { envVar: "GEMINI_API_KEY", defaultModel: "gemini-2.5-flash", create: (model) => gemini({ model }) },
  { envVar: "XAI_API_KEY", defaultModel: "grok-3-mini", create: (model) => grok({ model }) },
];

/**
 * Picks the model from `env` (default `process.env`). Keys are not read here beyond checking that one is
 * set and non-empty; each provider reads its own key when it calls.
 *
 * @param offline builds the offline model, used when no provider is configured.
 */
export function selectModel(
  offline: () => Model,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SelectedModel {
  for (const candidate of CANDIDATES) {
    const value = env[candidate.envVar]?.trim();
    if (!value) continue;
    const modelName = env.FAIRWAY_MODEL?.trim() || candidate.defaultModel;
    return { model: candidate.create(modelName, value), selectedBy: candidate.envVar, offline: false };
  }
  return { model: offline(), selectedBy: "none", offline: true };
}

/** One line saying which model runs, for an example's first output line. */
export function describeModel(selected: SelectedModel): string {
  return selected.offline
    ? `model: ${selected.model.modelName} — no API key set, so a deterministic offline policy answers (set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, XAI_API_KEY or FAIRWAY_BASE_URL for a real model)`
    : `model: ${selected.model.format} ${selected.model.modelName} (from ${selected.selectedBy})`;
}
