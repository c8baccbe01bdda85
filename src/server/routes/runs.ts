import { Hono } from "hono";
import type { Run, RunEvent } from "../../engine/types.js";
import { NotFoundError } from "../../errors/not-found-error.js";
import type { AnyFairway } from "../../fairway.js";
import { TERMINAL_RUN_STATUSES } from "../../store/run-statuses.js";
import { type AuthVariables, expiryOf, guard } from "../auth/guard.js";
import type { Principal, ServerAuth } from "../auth/server-auth.js";
import type { EventBuffer } from "../event-buffer.js";
import type { ErrorReplies } from "../http-status.js";
import { readJsonBody, readQuery } from "../read-input.js";
import type { RunAccess } from "../run-access.js";
import { cancelBodySchema, emptyBodySchema, listRunsQuerySchema, streamQuerySchema } from "../schemas.js";
import { serveSse } from "../sse.js";

const END_EVENTS = new Set(["run.completed", "run.failed", "run.cancelled", "run.skipped"]);
/** Pages read at most to fill one filtered page for a tenant. */
const MAX_TENANT_PAGES = 20;

/** What the run routes need. */
export interface RunRouteDeps {
  auth: ServerAuth;
  client: AnyFairway;
  access: RunAccess;
  /** Run lifecycle notifications, numbered (the SSE ids). */
  runEvents: EventBuffer<RunEvent>;
  /** Aborted when the server shuts down: open streams end. */
  signal: AbortSignal;
  /** Logs what ends a stream early (a store failure). */
  errors: ErrorReplies;
}

/**
 * The run API: list (filters, pages), one run with its step timeline, cancel, rerun, and the SSE streams
 * of one run and of all runs. Admins see every run; a tenant token sees only its user's runs.
 */
export function runRoutes(deps: RunRouteDeps): Hono<{ Variables: AuthVariables }> {
  const { auth, client, access, runEvents, signal, errors } = deps;
  const app = new Hono<{ Variables: AuthVariables }>();
  const readers = guard(auth, ["admin", "tenant"]);
  const streamReaders = guard(auth, ["admin", "tenant"], { tokenInQuery: true });
  const admins = guard(auth, ["admin"]);

  app.get("/api/runs", readers, async (c) => {
    const query = readQuery(c, listRunsQuerySchema);
    if (query.function !== undefined && !client.functions().some((fn) => fn.id === query.function)) {
      throw new NotFoundError("function", query.function);
    }
    const filter = {
      ...(query.function !== undefined && { functionId: query.function }),
      ...(query.status !== undefined && { status: query.status }),
      ...(query.concurrencyKey !== undefined && { concurrencyKey: query.concurrencyKey }),
      ...(query.since !== undefined && { since: query.since }),
      ...(query.until !== undefined && { until: query.until }),
      limit: query.limit,
      ...(query.cursor !== undefined && { cursor: query.cursor }),
    };
    return c.json(await listReadable(client, access, c.get("principal"), filter));
  });

  app.get("/api/runs/:runId", readers, async (c) => {
    const run = await access.read(c.get("principal"), c.req.param("runId"));
    const [steps, usage] = await Promise.all([client.getRunSteps(run.id), client.getRunUsage(run.id)]);
    return c.json({ run, steps, usage });
  });

  app.post("/api/runs/:runId/cancel", admins, async (c) => {
    const body = await readJsonBody(c, cancelBodySchema, "cancel body");
    const runId = c.req.param("runId");
    await client.cancelRun(runId, body?.reason);
    const run = await client.getRun(runId);
    return c.json({ runId, status: run?.status });
  });

  app.post("/api/runs/:runId/rerun", admins, async (c) => {
    await readJsonBody(c, emptyBodySchema, "rerun body");
    return c.json(await client.rerun(c.req.param("runId")));
  });

  app.get("/api/runs/:runId/stream", streamReaders, async (c) => {
    readQuery(c, streamQuerySchema);
    const run = await access.read(c.get("principal"), c.req.param("runId"));
    const until = expiryOf(c.get("principal"));
    return serveSse(c, {
      buffer: runEvents,
      signal,
      onError: (error) => errors.log(c, error),
      ...(until !== undefined && { until }),
      filter: (event) => event.runId === run.id,
      toMessage: (event) => ({ event: event.type, data: event }),
      isEnd: (event) => END_EVENTS.has(event.type),
      snapshot: async () => {
        const current = (await client.getRun(run.id)) ?? run;
        const steps = await client.getRunSteps(run.id);
        return {
          messages: [{ event: "run.snapshot", data: { run: current, steps } }],
          ended: TERMINAL_RUN_STATUSES.has(current.status),
        };
      },
    });
  });

  app.get("/api/stream", streamReaders, (c) => {
    readQuery(c, streamQuerySchema);
    const principal = c.get("principal");
    const until = expiryOf(principal);
    return serveSse(c, {
      buffer: runEvents,
      signal,
      onError: (error) => errors.log(c, error),
      ...(until !== undefined && { until }),
      filter: (event) => access.allowsId(principal, event.runId),
      toMessage: (event) => ({ event: event.type, data: event }),
      isEnd: () => false,
    });
  });
  return app;
}

/** Lists runs `principal` may read; for tenants, reads pages until `limit` own runs are found. */
async function listReadable(
  client: AnyFairway,
  access: RunAccess,
  principal: Principal,
  filter: Parameters<AnyFairway["listRuns"]>[0] & { limit: number },
): Promise<{ runs: Run[]; nextCursor?: string }> {
  if (principal.role === "admin") return client.listRuns(filter);
  const runs: Run[] = [];
  let cursor = filter.cursor;
  for (let page = 0; page < MAX_TENANT_PAGES && runs.length < filter.limit; page++) {
    const result = await client.listRuns({ ...filter, ...(cursor !== undefined && { cursor }) });
    runs.push(...result.runs.filter((run) => access.allows(principal, run)));
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return cursor === undefined ? { runs } : { runs, nextCursor: cursor };
}
