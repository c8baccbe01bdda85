/**
 * Fairway's HTTP server: the event API, the run API, live SSE streams of runs and agent threads,
 * tenant tokens, the dashboard, and the Inngest SDK's sync route for apps written with the Inngest SDK
 * (`docs/inngest-sdk.md`). Endpoints are documented in `docs/api.md`.
 *
 * @module
 */

export type { AppSyncOutcome } from "../inngest/app-sync.js";
export type { InngestApps, SyncResult } from "../inngest/inngest-apps.js";
export type { InngestServerOptions } from "../inngest/inngest-options.js";
export type { Principal, ServerAuthOptions } from "./auth/server-auth.js";
export {
  type CreateTenantTokenOptions,
  createTenantToken,
  type TenantTokenClaims,
  verifyTenantToken,
} from "./auth/tenant-token.js";
export { createServer, type FairwayServer, type ServerOptions } from "./create-server.js";
export { HTTP_STATUS_BY_CODE } from "./http-status.js";
export { defaultTenantOf, type TenantOf } from "./run-access.js";
export { ThreadStreams } from "./thread-streams.js";
