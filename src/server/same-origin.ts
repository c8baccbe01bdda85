import type { MiddlewareHandler } from "hono";
import { ForbiddenError } from "../errors/forbidden-error.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses requests that change state (POST, PUT, DELETE, …) when a browser says they come from another
 * site: `Sec-Fetch-Site` other than `same-origin`/`none`, or else an `Origin` whose host is not the
 * server's (nor `X-Forwarded-Host`). A web page can post a form or a `no-cors` fetch to any address
 * without a preflight; on an open (`fairway dev`) server nothing else would stop it from sending events
 * or cancelling runs (cross-site request forgery). Clients that are not browsers send neither header
 * and pass; reads pass too (the browser keeps a cross-site page from reading the answer, no CORS).
 *
 * @throws ForbiddenError (403) naming the foreign origin.
 */
export function sameOriginWrites(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const foreign = foreignSite(c.req.header("sec-fetch-site"), c.req.header("origin"), () => [
        new URL(c.req.url).host,
        c.req.header("x-forwarded-host"),
      ]);
      if (foreign !== undefined) {
        throw new ForbiddenError(
          `Cross-site request refused (from ${foreign}): the API changes state only for its own pages and for clients that are not browsers.`,
          "a same-origin or non-browser request",
        );
      }
    }
    await next();
  };
}

/**
 * The foreign site a browser request comes from, or `undefined` when it is same-origin or not from a browser.
 * `hosts` (the server's own) is called only for a request with an `Origin` and no `Sec-Fetch-Site`.
 */
function foreignSite(
  fetchSite: string | undefined,
  origin: string | undefined,
  hosts: () => (string | undefined)[],
): string | undefined {
  if (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none") {
    return origin ?? `a ${fetchSite} page`;
  }
  if (fetchSite !== undefined || origin === undefined) return undefined;
  const host = hostOf(origin);
  return host !== undefined && hosts().includes(host) ? undefined : origin;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
