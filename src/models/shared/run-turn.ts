import type { ModelResponse, StopReason } from "../spec.js";
import { type CallSettings, callProvider, type ProviderRequest, readJsonObject } from "./http.js";
import type { ResponseAssembler } from "./response-assembler.js";

/** How one wire format reads a reply into the assembler; each returns the provider's mapped stop reason. */
export interface TurnReaders {
  /** Reads an SSE stream; `raw` is what the response reports as its `raw` field. */
  stream(response: Response): Promise<{ stopReason: StopReason; raw: unknown }>;
  /** Reads a whole JSON body. */
  body(body: Record<string, unknown>): StopReason;
}

/**
 * Makes one model call through `callProvider` and builds the `ModelResponse` from the assembler:
 * streamed when `streaming` (the request has `onDelta`) and the server answers with a stream, a JSON body
 * otherwise.
 */
export function runTurn(
  settings: CallSettings,
  request: ProviderRequest,
  assembler: ResponseAssembler,
  streaming: boolean,
  readers: TurnReaders,
): Promise<ModelResponse> {
  return callProvider(settings, request, async (response) => {
    let stopReason: StopReason;
    let raw: unknown;
    // A server that ignores the stream flag answers with JSON: read it whole (deltas still reach onDelta).
    if (streaming && !response.headers.get("content-type")?.includes("application/json")) {
      ({ stopReason, raw } = await readers.stream(response));
    } else {
      raw = await readJsonObject(settings, response);
      stopReason = readers.body(raw as Record<string, unknown>);
    }
    return {
      output: assembler.output(),
      stopReason: assembler.stopReason(stopReason),
      usage: assembler.usage,
      raw,
    };
  });
}
