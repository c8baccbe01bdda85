import { readFileSync } from "node:fs";
import { Hono } from "hono";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

/** The dashboard's files, served from memory; the list is fixed, so no path from a request reaches the disk. */
const FILES = [
  "index.html",
  "style.css",
  "api.js",
  "app.js",
  "runs.js",
  "timeline.js",
  "panels.js",
  "dom.js",
];

const CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Routes serving the dashboard: `GET /` (the page) and `GET /assets/<file>` (its modules and style).
 * The files are read once, from `dashboard/assets/` beside this module's folder.
 * The page holds no data: it reads the API with the caller's own credential.
 */
export function dashboardRoutes(): Hono {
  const base = new URL("../dashboard/assets/", import.meta.url);
  const assets = new Map(FILES.map((file) => [file, readFileSync(new URL(file, base), "utf8")]));
  const app = new Hono();
  const send = (file: string, body: string) =>
    new Response(body, {
      headers: {
        "content-type": TYPES[file.slice(file.lastIndexOf(".") + 1)] ?? "application/octet-stream",
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
        // Only its own files and API; never inside another site's frame (clickjacking).
        "content-security-policy": CSP,
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
      },
    });
  app.get("/", () => send("index.html", assets.get("index.html")!));
  app.get("/assets/:file", (c) => {
    const file = c.req.param("file");
    const body = assets.get(file);
    return body === undefined ? c.notFound() : send(file, body);
  });
  return app;
}
