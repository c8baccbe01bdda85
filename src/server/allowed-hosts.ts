import { isIP } from "node:net";
import type { MiddlewareHandler } from "hono";
import { ConfigError } from "../errors/config-error.js";
import { ForbiddenError } from "../errors/forbidden-error.js";

/**
 * Refuses a request whose `Host` names a host other than this machine, for a server without credentials
 * (open mode). A web page on another site can make a browser resolve its own domain to 127.0.0.1 (DNS
 * rebinding) and then read and write the API as a same-origin page: its requests carry the attacker's
 * host name. Accepted, as development servers such as Vite do: `localhost` and `*.localhost`, IP
 * addresses (an IP is no name a page can rebind), and the names in `allowed`: `"app.test"` is that host
 * exactly, `".example.com"` the domain and its subdomains; names compare case-insensitively.
 *
 * @param allowed more host names to accept (from `createServer`'s `allowedHosts`).
 * @throws ConfigError (at creation) naming `allowedHosts[i]` for an entry that is not a host name.
 * @throws ForbiddenError (403, per request) naming the refused host and how to allow it.
 */
export function allowedHosts(allowed: readonly string[] = []): MiddlewareHandler {
  const names = allowed.map((entry, index) => {
    if (typeof entry !== "string" || !/^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(entry)) {
      throw new ConfigError(
        `allowedHosts[${index}]`,
        'must be a host name ("app.test") or a domain with a leading dot (".example.com")',
      );
    }
    return entry.toLowerCase();
  });
  return async (c, next) => {
    const header = c.req.header("host") ?? new URL(c.req.url).host;
    const host = hostnameOf(header);
    if (host === undefined || !isAllowed(host, names)) {
      throw new ForbiddenError(
        `Host "${header}" refused: a server without keys answers only requests addressed to localhost or an IP address (this keeps web pages from reaching it by DNS rebinding). Configure keys (FAIRWAY_SIGNING_KEY, FAIRWAY_EVENT_KEYS) or add the name to createServer's allowedHosts.`,
        "a request addressed to localhost, an IP address or an allowed host",
      );
    }
    await next();
  };
}

/** The host name of a `Host` header (port and IPv6 brackets removed, lower case), or undefined if invalid. */
function hostnameOf(header: string): string | undefined {
  try {
    const url = new URL(`http://${header}`);
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
    return url.hostname.replace(/^\[(.*)\]$/, "$1");
  } catch {
    return undefined;
  }
}

function isAllowed(host: string, names: readonly string[]): boolean {
  if (isIP(host) !== 0 || host === "localhost" || host.endsWith(".localhost")) return true;
  return names.some((name) =>
    name.startsWith(".") ? host === name.slice(1) || host.endsWith(name) : host === name,
  );
}
