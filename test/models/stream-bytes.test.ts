import { describe, expect, it } from "vitest";
import { anthropic } from "../../src/models/anthropic.js";
import { gemini } from "../../src/models/gemini.js";
import { openai } from "../../src/models/openai.js";
import type { Model, ModelDelta } from "../../src/models/spec.js";
import { assistantTurn, conversation, tools } from "./fixtures.js";

/** A `fetch` answering with `text` as an SSE body cut into 1-byte chunks (splits UTF-8 and CRLF). */
function byteByByte(text: string): typeof fetch {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at++) controller.enqueue(bytes.slice(at, at + 1));
      controller.close();
    },
  });
  return async () => new Response(body, { headers: { "content-type": "text/event-stream" } });
}

const sse = (data: object, event?: string, newline = "\n") =>
  `${event ? `event: ${event}${newline}` : ""}data: ${JSON.stringify(data)}${newline}${newline}`;
const anthropicEvent = (type: string, data: object) => sse({ type, ...data }, type);

const cases: Array<[string, (fetch: typeof globalThis.fetch) => Model, string, string]> = [
  [
    "openai",
    (fetch) => openai({ model: "gpt-4o", apiKey: "k", fetch }),
    "call_1",
    [
      sse({ choices: [{ index: 0, delta: { content: "Grüße " } }] }),
      sse({ choices: [{ index: 0, delta: { content: "😀" } }] }),
      sse({
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 0, id: "call_1", function: { name: "get_weather", arguments: '{"city":' } },
              ],
            },
          },
        ],
      }),
      sse({
        choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Kraków"}' } }] } }],
      }),
      sse({ choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }),
      "data: [DONE]\n\n",
    ].join(""),
  ],
  [
    "anthropic",
    (fetch) => anthropic({ model: "claude", apiKey: "k", fetch }),
    "toolu_1",
    [
      anthropicEvent("message_start", { message: { usage: { input_tokens: 3 } } }),
      anthropicEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Grüße " } }),
      anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: "😀" } }),
      anthropicEvent("content_block_start", {
        index: 1,
        content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} },
      }),
      anthropicEvent("content_block_delta", {
        index: 1,
        delta: { type: "input_json_delta", partial_json: '{"city":' },
      }),
      anthropicEvent("content_block_delta", {
        index: 1,
        delta: { type: "input_json_delta", partial_json: '"Kraków"}' },
      }),
      anthropicEvent("message_delta", { delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } }),
      anthropicEvent("message_stop", {}),
    ].join(""),
  ],
  [
    "gemini",
    (fetch) => gemini({ model: "gemini-2.5-flash", apiKey: "k", fetch }),
    "call_7_0",
    [
      sse({ candidates: [{ content: { parts: [{ text: "Grüße " }] } }] }, undefined, "\r\n"),
      sse(
        {
          candidates: [
            {
              content: {
                parts: [{ text: "😀" }, { functionCall: { name: "get_weather", args: { city: "Kraków" } } }],
              },
              finishReason: "STOP",
            },
          ],
        },
        undefined,
        "\r\n",
      ),
    ].join(""),
  ],
];

describe("streams read byte by byte", () => {
  it.each(cases)(
    "%s: multi-byte characters and lines split across chunks assemble intact",
    async (_name, make, id, body) => {
      const deltas: ModelDelta[] = [];
      const response = await make(byteByByte(body)).generate({
        messages: conversation,
        tools,
        onDelta: (delta) => deltas.push(delta),
      });
      expect(response.output).toEqual(assistantTurn("Grüße 😀", [[id, "get_weather", { city: "Kraków" }]]));
      const text = deltas.flatMap((delta) => (delta.type === "text.delta" ? [delta.delta] : []));
      expect(text).toEqual(["Grüße ", "😀"]);
    },
  );
});
