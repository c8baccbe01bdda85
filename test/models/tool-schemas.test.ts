import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as zod3 from "zod/v3";
import { ConfigError } from "../../src/errors/config-error.js";
import { gemini } from "../../src/models/gemini.js";
import { openai } from "../../src/models/openai.js";
import type { JsonSchema, ToolDefinition } from "../../src/models/spec.js";
import type { FakeTurn } from "../helpers/fake-provider/index.js";
import { closeServersAfterEach, type FormatName, fakeModel, sentToolDefinitions } from "./fixtures.js";

const track = closeServersAfterEach();

const request = (tools: ToolDefinition[]) => ({
  messages: [{ type: "text" as const, role: "user" as const, content: "hi" }],
  tools,
});

async function sentTools(format: FormatName, tools: ToolDefinition[], turn: FakeTurn = { text: "ok" }) {
  const { server, model } = await fakeModel(format, [turn]);
  track(server);
  const response = await model.generate(request(tools));
  return { schemas: sentToolDefinitions(format, server.requests[0]?.body), response };
}

function keysDeep(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysDeep(item, found);
  else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      found.add(key);
      keysDeep(child, found);
    }
  }
  return found;
}

describe("tools without parameters (R07)", () => {
  const noParams: ToolDefinition = { name: "now" };
  const mcpBare: ToolDefinition = { name: "ping", parameters: { type: "object" } };
  const emptyRequired: ToolDefinition = {
    name: "list",
    parameters: { type: "object", properties: {}, required: [] },
  };

  it("OpenAI and Anthropic get {type: object, properties: {}} without an empty required", async () => {
    const { schemas: openAiSchemas } = await sentTools("openai", [noParams, mcpBare, emptyRequired]);
    expect(openAiSchemas.map((tool) => tool.parameters)).toEqual([
      { type: "object", properties: {} },
      { type: "object", properties: {} },
      { type: "object", properties: {} },
    ]);
    const { schemas: anthropicSchemas } = await sentTools("anthropic", [noParams, mcpBare]);
    expect(anthropicSchemas.map((tool) => tool.input_schema)).toEqual([
      { type: "object", properties: {} },
      { type: "object", properties: {} },
    ]);
  });

  it("strict mode adds additionalProperties: false, still without an empty required", async () => {
    const { schemas } = await sentTools("openai", [
      { ...noParams, strict: true },
      { ...emptyRequired, strict: true },
    ]);
    const strictEmpty = { type: "object", properties: {}, additionalProperties: false };
    expect(schemas).toEqual([
      { name: "now", parameters: strictEmpty, strict: true },
      { name: "list", parameters: strictEmpty, strict: true },
    ]);
  });

  it("Gemini omits parameters", async () => {
    const { schemas } = await sentTools("gemini", [noParams, mcpBare]);
    expect(schemas).toEqual([{ name: "now" }, { name: "ping" }]);
  });
});

describe("OpenAI strict mode with optional and defaulted fields (R12)", () => {
  const schema = z.object({
    q: z.string(),
    limit: z.number().optional(),
    page: z.number().default(1),
    note: z.string().nullable().optional(),
    filter: z.object({ from: z.string().optional() }).optional(),
  });

  it("makes every property required and optional ones nullable", async () => {
    const { schemas } = await sentTools("openai", [{ name: "search", parameters: schema, strict: true }]);
    expect(schemas[0]).toMatchInlineSnapshot(`
      {
        "name": "search",
        "parameters": {
          "additionalProperties": false,
          "properties": {
            "filter": {
              "anyOf": [
                {
                  "additionalProperties": false,
                  "properties": {
                    "from": {
                      "anyOf": [
                        {
                          "type": "string",
                        },
                        {
                          "type": "null",
                        },
                      ],
                    },
                  },
                  "required": [
                    "from",
                  ],
                  "type": "object",
                },
                {
                  "type": "null",
                },
              ],
            },
            "limit": {
              "anyOf": [
                {
                  "type": "number",
                },
                {
                  "type": "null",
                },
              ],
            },
            "note": {
              "type": [
                "string",
                "null",
              ],
            },
            "page": {
              "anyOf": [
                {
                  "type": "number",
                },
                {
                  "type": "null",
                },
              ],
            },
            "q": {
              "type": "string",
            },
          },
          "required": [
            "q",
            "limit",
            "page",
            "note",
            "filter",
          ],
          "type": "object",
        },
        "strict": true,
      }
    `);
  });

  it("turns the model's nulls for optional-only fields back into absent fields before the zod parse", async () => {
    const turn: FakeTurn = {
      toolCalls: [
        {
          name: "search",
          arguments: { q: "x", limit: null, page: null, note: null, filter: { from: null } },
        },
      ],
    };
    const { response } = await sentTools(
      "openai",
      [{ name: "search", parameters: schema, strict: true }],
      turn,
    );
    const call = response.output[0];
    if (call?.type !== "tool_call") throw new Error("expected a tool call");
    expect(call.tools[0]?.input).toEqual({ q: "x", note: null, filter: {} });
    expect(schema.parse(call.tools[0]?.input)).toEqual({ q: "x", page: 1, note: null, filter: {} });
  });

  it("without strict keeps only the really required fields in required", async () => {
    const { schemas } = await sentTools("openai", [{ name: "search", parameters: schema }]);
    expect(schemas[0]?.parameters).toMatchObject({ required: ["q"] });
    expect(schemas[0]).not.toHaveProperty("strict");
  });

  it("refuses strict mode for an open record, naming the field", async () => {
    const tool: ToolDefinition = {
      name: "tag",
      parameters: z.object({ tags: z.record(z.string(), z.string()) }),
      strict: true,
    };
    const model = openai({ model: "gpt-4o", apiKey: "k" });
    const error = await model.generate(request([tool])).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ path: "tools.tag.parameters.tags" });
    expect((error as ConfigError).message).toContain("set `strict: false`");
  });
});

describe("Gemini schema subset (R09, R11)", () => {
  const Node: z.ZodType = z.lazy(() => z.object({ name: z.string(), children: z.array(Node) }));
  const tricky = z
    .object({
      command: z.string().describe("shell command"),
      env: z.record(z.string(), z.string()),
      options: z.object({ verbose: z.boolean() }).strict(),
      size: z.number().gt(0),
      mode: z.literal("fast"),
      level: z.union([z.literal(1), z.literal(2)]),
      when: z.string().nullable(),
      email: z.email(),
      tree: Node,
    })
    .strict();
  const forbidden = [
    "additionalProperties",
    "propertyNames",
    "$schema",
    "$ref",
    "$defs",
    "definitions",
    "exclusiveMinimum",
    "const",
  ];

  it("sends an OBJECT root with none of the unsupported keywords at any depth", async () => {
    const { schemas } = await sentTools("gemini", [{ name: "run", parameters: tricky }]);
    const parameters = schemas[0]?.parameters as JsonSchema;
    expect(parameters.type).toBe("object");
    const keys = keysDeep(parameters);
    for (const key of forbidden) expect(keys.has(key), key).toBe(false);
    expect(parameters).toMatchInlineSnapshot(`
      {
        "properties": {
          "command": {
            "description": "shell command",
            "type": "string",
          },
          "email": {
            "pattern": "^(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$",
            "type": "string",
          },
          "env": {
            "type": "object",
          },
          "level": {
            "anyOf": [
              {
                "description": "(one of: 1)",
                "type": "number",
              },
              {
                "description": "(one of: 2)",
                "type": "number",
              },
            ],
          },
          "mode": {
            "enum": [
              "fast",
            ],
            "type": "string",
          },
          "options": {
            "properties": {
              "verbose": {
                "type": "boolean",
              },
            },
            "required": [
              "verbose",
            ],
            "type": "object",
          },
          "size": {
            "type": "number",
          },
          "tree": {
            "properties": {
              "children": {
                "items": {
                  "type": "object",
                },
                "type": "array",
              },
              "name": {
                "type": "string",
              },
            },
            "required": [
              "name",
              "children",
            ],
            "type": "object",
          },
          "when": {
            "nullable": true,
            "type": "string",
          },
        },
        "required": [
          "command",
          "env",
          "options",
          "size",
          "mode",
          "level",
          "when",
          "email",
          "tree",
        ],
        "type": "object",
      }
    `);
  });

  it("repairs loose MCP schemas: keywords on the wrong type, missing types and items, unknown required names", async () => {
    const loose: JsonSchema = {
      type: "object",
      properties: {
        filter: { properties: { tag: { type: "string" } }, required: ["tag", "missing"] },
        label: { type: "string", properties: { x: { type: "string" } }, required: ["x"], items: {} },
        tags: { type: "array" },
        ids: { items: { type: "integer" } },
      },
      required: ["filter", "gone"],
    };
    const { schemas } = await sentTools("gemini", [{ name: "search", parameters: loose }]);
    expect(schemas[0]?.parameters).toEqual({
      type: "object",
      properties: {
        filter: { type: "object", properties: { tag: { type: "string" } }, required: ["tag"] },
        label: { type: "string" },
        tags: { type: "array", items: { type: "string" } },
        ids: { type: "array", items: { type: "integer" } },
      },
      required: ["filter"],
    });
  });

  it("keeps those keywords for OpenAI", async () => {
    const { schemas } = await sentTools("openai", [{ name: "run", parameters: tricky }]);
    const keys = keysDeep(schemas[0]?.parameters);
    for (const key of ["additionalProperties", "propertyNames", "exclusiveMinimum"])
      expect(keys.has(key), key).toBe(true);
  });

  it("converts zod 4 and an equivalent JSON Schema to the same payload; zod 3 is refused with a clear error", async () => {
    const fromZod = await sentTools("gemini", [
      { name: "run", parameters: z.object({ command: z.string() }) },
    ]);
    const fromJson = await sentTools("gemini", [
      {
        name: "run",
        parameters: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
      },
    ]);
    expect(fromZod.schemas).toEqual(fromJson.schemas);
    const v3 = zod3.z.object({ command: zod3.z.string() }) as unknown as ToolDefinition["parameters"];
    const model = gemini({ model: "gemini-2.5-flash", apiKey: "k" });
    await expect(model.generate(request([{ name: "run", parameters: v3 }]))).rejects.toThrow(
      /tools\.run\.parameters: is a zod 3 schema/,
    );
  });

  it("refuses a tool whose parameters are not an object", async () => {
    const model = openai({ model: "gpt-4o", apiKey: "k" });
    await expect(model.generate(request([{ name: "n", parameters: z.string() }]))).rejects.toThrow(
      ConfigError,
    );
  });
});
