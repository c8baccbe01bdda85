import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/** Options of {@link requestBodyLimit}: Hono's `bodyLimit` options, `onError` required. */
export interface RequestBodyLimitOptions {
  /** Largest body accepted, bytes. */
  maxSize: number;
  /** Answers a body over `maxSize`. */
  onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Hono's `bodyLimit` with a fast path for requests that came through Node's HTTP server (`c.env.incoming`,
 * set by `@hono/node-server`) and declare their size: the declared `Content-Length` is compared to
 * `maxSize` from Node's parsed headers, as `bodyLimit` does, without touching `c.req.raw.body` — reading
 * that property makes `@hono/node-server` build a full Fetch `Request` with a web stream over the socket,
 * which took about a third of the CPU the event API's request path spent outside SQLite (profile of
 * `bench/event-api.ts`); the body is then read by `c.req.text()` straight from the socket. Requests without a `Content-Length`
 * (chunked) and requests that did not come through Node (`app.request`, `fetch`) go through `bodyLimit`
 * unchanged, which counts the bytes as they arrive. GET and HEAD have no body through Node (nor in Fetch).
 */
export function requestBodyLimit(options: RequestBodyLimitOptions): MiddlewareHandler {
  const counted = bodyLimit(options);
  return async (c, next) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming === undefined) return counted(c, next);
    // @hono/node-server gives GET, HEAD (and TRACE, sent on as GET) no body: bodyLimit lets them through.
    const method = incoming.method;
    if (method === "GET" || method === "HEAD" || method === "TRACE") return next();
    const declared = incoming.headers["content-length"];
    if (declared === undefined || incoming.headers["transfer-encoding"] !== undefined)
      return counted(c, next);
    return Number.parseInt(declared || "0", 10) > options.maxSize ? options.onError(c) : next();
  };
}
