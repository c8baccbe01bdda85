/**
 * The host an open server binds when its caller names none: Node's `server.listen` arguments with
 * `host` filled in.
 *
 * @module
 */

/**
 * `args` of `http.Server#listen` with `host` added when the call names a port (or nothing) but no host:
 * `listen(port, cb)` → `listen(port, host, cb)`, `listen({ port })` → `listen({ port, host })`. A call that
 * names a host, a Unix socket path or a handle is returned unchanged.
 */
export function withDefaultHost(args: unknown[], host: string): unknown[] {
  const [first, second] = args;
  if (first !== null && typeof first === "object") {
    const options = first as { host?: unknown; path?: unknown; fd?: unknown; handle?: unknown };
    if ("host" in options || "path" in options || "fd" in options || "_handle" in options) return args;
    return [{ ...options, host }, ...args.slice(1)];
  }
  const isPort = first === undefined || typeof first === "number" || /^\d+$/.test(String(first));
  if (typeof first === "function") return [0, host, ...args];
  if (!isPort || typeof second === "string") return args;
  return [first, host, ...args.slice(1)];
}
