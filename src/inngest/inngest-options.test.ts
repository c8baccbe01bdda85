import { describe, expect, it } from "vitest";
import { resolveInngestOptions } from "./inngest-options.js";

describe("resolveInngestOptions", () => {
  it("reads keys and the OpenAI base URL from the environment when the options do not give them", () => {
    const resolved = resolveInngestOptions(
      {},
      {
        INNGEST_SIGNING_KEY: "signkey-prod-00ff",
        INNGEST_SIGNING_KEY_FALLBACK: "abcd",
        OPENAI_BASE_URL: "http://127.0.0.1:11434/v1",
      },
    );
    expect(resolved).toMatchObject({
      signingKey: "signkey-prod-00ff",
      signingKeys: ["signkey-prod-00ff", "abcd"],
      aiBaseUrls: { "https://api.openai.com/v1/": "http://127.0.0.1:11434/v1" },
      appUrls: [],
      syncIntervalMs: 5000,
    });
  });

  it("refuses a signing key that is not even-length hex and an app URL that is not http(s), naming them", () => {
    expect(() => resolveInngestOptions({}, { INNGEST_SIGNING_KEY: "signkey-prod-xyz" })).toThrow(
      /inngest\.signingKey \(or INNGEST_SIGNING_KEY\): must be even-length hex/,
    );
    expect(() => resolveInngestOptions({ appUrls: ["localhost:3000/api/inngest"] }, {})).toThrow(
      /inngest\.appUrls\[0\]: must be an http\(s\) URL/,
    );
  });
});
