import { describe, expect, it } from "vitest";
import { InvalidResponseError } from "../../src/errors/invalid-response-error.js";
import { MissingApiKeyError } from "../../src/errors/missing-api-key-error.js";
import { ModelCallError } from "../../src/errors/model-call-error.js";
import { NonRetriableError } from "../../src/errors/non-retriable-error.js";
import { RetryAfterError } from "../../src/errors/retry-after-error.js";
import { anthropic } from "../../src/models/anthropic.js";
import { azureOpenai } from "../../src/models/azure-openai.js";
import { gemini } from "../../src/models/gemini.js";
import { grok } from "../../src/models/grok.js";
import { openai } from "../../src/models/openai.js";
import type { Model, ModelRequest } from "../../src/models/spec.js";
import { toStepFailure } from "../../src/models/step-failure.js";
import {
  type FakeProviderServer,
  type FakeTurn,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAi,
} from "../helpers/fake-provider/index.js";
import { closeServersAfterEach } from "./fixtures.js";

type Started = FakeProviderServer & { baseUrl: string };
type Options = { timeoutMs?: number; now?: () => number; fetch?: typeof fetch };

interface ProviderCase {
  provider: string;
  start: (turns: FakeTurn[]) => Promise<Started>;
  make: (server: Started, options: Options) => Model;
}

const cases: ProviderCase[] = [
  {
    provider: "openai-chat",
    start: startFakeOpenAi,
    make: (server, options) => openai({ model: "gpt-4o", apiKey: "k", baseUrl: server.baseUrl, ...options }),
  },
  {
    provider: "azure-openai",
    start: startFakeOpenAi,
    make: (server, options) =>
      azureOpenai({
        model: "gpt-4o",
        endpoint: server.url,
        deployment: "d",
        apiVersion: "v",
        apiKey: "k",
        ...options,
      }),
  },
  {
    provider: "grok",
    start: startFakeOpenAi,
    make: (server, options) => grok({ model: "grok-3", apiKey: "k", baseUrl: server.baseUrl, ...options }),
  },
  {
    provider: "anthropic",
    start: startFakeAnthropic,
    make: (server, options) =>
      anthropic({ model: "claude-sonnet-4-5", apiKey: "k", baseUrl: server.baseUrl, ...options }),
  },
  {
    provider: "gemini",
    start: startFakeGemini,
    make: (server, options) =>
      gemini({ model: "gemini-2.5-flash", apiKey: "k", baseUrl: server.baseUrl, ...options }),
  },
];

const request: ModelRequest = { messages: [{ type: "text", role: "user", content: "hi" }] };
const track = closeServersAfterEach();

async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ModelCallError);
  return error as ModelCallError;
}

describe.each(cases)("$provider errors", ({ provider, start, make }) => {
  async function setup(turns: FakeTurn[], options: Options = {}) {
    const server = await start(turns);
    track(server);
    return make(server, options);
  }

  it("429 with Retry-After seconds is retryable after that delay and names provider and model", async () => {
    const model = await setup([
      { error: { status: 429, message: "Slow down", headers: { "retry-after": "7" } } },
    ]);
    const error = await failure(model.generate(request));
    expect(error).toMatchObject({
      status: 429,
      isRetryable: true,
      retryAfterMs: 7000,
      providerMessage: "Slow down",
    });
    expect(error.message).toBe(`${provider} model "${model.modelName}": HTTP 429: Slow down`);
    expect(error.code).toBe("model_call_failed");
    const stepFailure = toStepFailure(error);
    expect(stepFailure).toBeInstanceOf(RetryAfterError);
    expect((stepFailure as RetryAfterError).retryAfter).toBe(7000);
  });

  it("503 with an HTTP-date Retry-After uses the injected clock", async () => {
    const now = () => Date.parse("2026-01-01T00:00:00Z");
    const headers = { "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" };
    const model = await setup([{ error: { status: 503, message: "busy", headers } }], { now });
    const error = await failure(model.generate(request));
    expect(error).toMatchObject({ status: 503, isRetryable: true, retryAfterMs: 30_000 });
  });

  it("500 is retryable with the engine's own backoff", async () => {
    const model = await setup([{ error: { status: 500, message: "internal" } }]);
    const error = await failure(model.generate(request));
    expect(error).toMatchObject({ status: 500, isRetryable: true, retryAfterMs: undefined });
    expect(toStepFailure(error)).toBe(error);
  });

  it("400 is not retryable and keeps the provider's message", async () => {
    const model = await setup([{ error: { status: 400, message: "messages.0.content: must not be empty" } }]);
    const error = await failure(model.generate(request));
    expect(error).toMatchObject({
      status: 400,
      isRetryable: false,
      providerMessage: "messages.0.content: must not be empty",
    });
    expect(error.message).toContain("messages.0.content: must not be empty");
    expect(toStepFailure(error)).toBeInstanceOf(NonRetriableError);
  });

  it("404 shows the URL called, so a wrong baseUrl or model name is easy to spot", async () => {
    const model = await setup([{ error: { status: 404, message: "not found" } }]);
    const error = await failure(model.generate(request));
    expect(error).toMatchObject({ status: 404, isRetryable: false, providerMessage: "not found" });
    expect(error.message).toMatch(/HTTP 404: not found \(POST http:\/\/127\.0\.0\.1:\d+\/[^?]+\)$/);
  });

  it("a dropped connection is a retryable network error", async () => {
    const model = await setup([{ destroy: true }]);
    const error = await failure(model.generate(request));
    expect(error).toMatchObject({ isRetryable: true, status: undefined });
    expect(error.message).toContain("network error");
  });

  it("whatever an injected fetch throws is a retryable network error", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" });
    const model = await setup([], { fetch: () => Promise.reject(refused) });
    const error = await failure(model.generate(request));
    expect(error).toMatchObject({ isRetryable: true, cause: refused });
    expect(error.message).toContain("network error: connect ECONNREFUSED");
  });

  it("an onDelta that throws, even a TypeError, rejects with that error, not a network error", async () => {
    const model = await setup([{ text: "hello" }]);
    const bug = new TypeError("Cannot read properties of undefined (reading 'push')");
    const onDelta = () => {
      throw bug;
    };
    await expect(model.generate({ ...request, onDelta })).rejects.toBe(bug);
  });

  it("no answer within timeoutMs is a retryable timeout, streaming too", async () => {
    const model = await setup([{ hang: true }, { hang: true }], { timeoutMs: 50 });
    const error = await failure(model.generate(request));
    expect(error).toMatchObject({ isRetryable: true });
    expect(error.message).toContain("no complete answer within 50 ms");
    const streamed = await failure(model.generate({ ...request, onDelta: () => {} }));
    expect(streamed.message).toContain("no complete answer within 50 ms");
  });

  it("the caller's abort is not retryable", async () => {
    const model = await setup([{ hang: true }]);
    const controller = new AbortController();
    const pending = model.generate({ ...request, signal: controller.signal });
    controller.abort();
    const error = await failure(pending);
    expect(error).toMatchObject({ isRetryable: false });
    expect(error.message).toContain("aborted");
  });

  it("an empty, null or non-JSON 200 body is a retryable InvalidResponseError, never a TypeError (R14)", async () => {
    const model = await setup([
      { raw: { body: "" } },
      { raw: { body: "null" } },
      { raw: { body: "<html>" } },
    ]);
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await failure(model.generate(request));
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(error).toMatchObject({ code: "model_response_invalid", isRetryable: true });
    }
  });

  it("a stream cut off before the provider ends the turn is an InvalidResponseError", async () => {
    const model = await setup([{ text: "complete" }, { stream: [] }]);
    const complete = await model.generate({ ...request, onDelta: () => {} });
    expect(complete.output).toHaveLength(1);
    const error = await failure(model.generate({ ...request, onDelta: () => {} }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain("stream ended early");
  });

  it("a stream chunk that is not JSON is an InvalidResponseError", async () => {
    const model = await setup([{ stream: [{ data: "{not json" }] }]);
    const error = await failure(model.generate({ ...request, onDelta: () => {} }));
    expect(error).toBeInstanceOf(InvalidResponseError);
  });
});

describe("errors inside a stream", () => {
  async function streamError(start: ProviderCase["start"], make: ProviderCase["make"], turn: FakeTurn) {
    const server = await start([turn]);
    track(server);
    return failure(make(server, {}).generate({ ...request, onDelta: () => {} }));
  }

  it("OpenAI: an error object in the stream", async () => {
    const openAiCase = cases[0]!;
    const error = await streamError(openAiCase.start, openAiCase.make, {
      stream: [{ data: { error: { message: "server had an error", type: "server_error" } } }],
    });
    expect(error).toMatchObject({ isRetryable: true, providerMessage: "server had an error" });
    // OpenRouter reports the upstream HTTP status as a numeric code.
    for (const [code, isRetryable] of [
      [400, false],
      [408, true],
      [502, true],
    ] as const) {
      const coded = await streamError(openAiCase.start, openAiCase.make, {
        stream: [{ data: { error: { code, message: `upstream ${code}` } } }],
      });
      expect(coded, String(code)).toMatchObject({ isRetryable, providerMessage: `upstream ${code}` });
    }
  });

  it("Anthropic: overloaded_error is retryable, invalid_request_error is not", async () => {
    const anthropicCase = cases[3]!;
    const event = (type: string) => ({
      event: "error",
      data: { type: "error", error: { type, message: `${type}!` } },
    });
    const overloaded = await streamError(anthropicCase.start, anthropicCase.make, {
      stream: [event("overloaded_error")],
    });
    expect(overloaded).toMatchObject({ isRetryable: true, providerMessage: "overloaded_error!" });
    const invalid = await streamError(anthropicCase.start, anthropicCase.make, {
      stream: [event("invalid_request_error")],
    });
    expect(invalid).toMatchObject({ isRetryable: false });
  });

  it("Gemini: an error chunk carries its code", async () => {
    const geminiCase = cases[4]!;
    const error = await streamError(geminiCase.start, geminiCase.make, {
      stream: [{ data: { error: { code: 400, message: "bad", status: "INVALID_ARGUMENT" } } }],
    });
    expect(error).toMatchObject({ isRetryable: false, providerMessage: "bad" });
    const timeout = await streamError(geminiCase.start, geminiCase.make, {
      stream: [{ data: { error: { code: 408, message: "slow", status: "DEADLINE_EXCEEDED" } } }],
    });
    expect(timeout).toMatchObject({ isRetryable: true });
  });
});

describe("API keys", () => {
  const keyCases: Array<[string, string, (baseUrl: string) => Model]> = [
    ["OPENAI_API_KEY", "authorization", () => openai({ model: "gpt-4o" })],
    ["XAI_API_KEY", "authorization", (baseUrl) => grok({ model: "grok-3", baseUrl })],
    [
      "AZURE_OPENAI_API_KEY",
      "api-key",
      (baseUrl) => azureOpenai({ model: "gpt-4o", endpoint: baseUrl, deployment: "d", apiVersion: "v" }),
    ],
    ["ANTHROPIC_API_KEY", "x-api-key", (baseUrl) => anthropic({ model: "claude", baseUrl })],
    ["GEMINI_API_KEY", "x-goog-api-key", (baseUrl) => gemini({ model: "gemini-2.5-flash", baseUrl })],
  ];

  it.each(keyCases)(
    "a missing %s is a MissingApiKeyError naming the option and the variable",
    async (envVar, _header, make) => {
      const saved = process.env[envVar];
      delete process.env[envVar];
      try {
        const error = await failure(make("http://127.0.0.1:9").generate(request));
        expect(error).toBeInstanceOf(MissingApiKeyError);
        expect(error).toMatchObject({
          option: "apiKey",
          envVar,
          isRetryable: false,
          code: "model_api_key_missing",
        });
        expect(error.message).toContain(`\`apiKey\` option or set the ${envVar} environment variable`);
        expect(toStepFailure(error)).toBeInstanceOf(NonRetriableError);
      } finally {
        if (saved !== undefined) process.env[envVar] = saved;
      }
    },
  );

  it.each(keyCases.slice(1))(
    "%s is read when the call is made and sent in %s",
    async (envVar, header, make) => {
      const saved = process.env[envVar];
      delete process.env[envVar];
      const server = envVar.startsWith("ANTHROPIC")
        ? await startFakeAnthropic([{ text: "ok" }])
        : envVar.startsWith("GEMINI")
          ? await startFakeGemini([{ text: "ok" }])
          : await startFakeOpenAi([{ text: "ok" }]);
      track(server);
      const model = make(envVar.startsWith("AZURE") ? server.url : server.baseUrl);
      process.env[envVar] = "from-env";
      try {
        await model.generate(request);
        const sent = server.requests[0]?.headers[header];
        expect(header === "authorization" ? sent : `Bearer ${sent}`).toBe("Bearer from-env");
      } finally {
        if (saved === undefined) delete process.env[envVar];
        else process.env[envVar] = saved;
      }
    },
  );
});
