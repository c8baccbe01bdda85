/**
 * Fairway's HTTP server: the event API, the run API, live SSE streams of runs and agent threads,
 * tenant tokens, and the dashboard. Endpoints are documented in `docs/api.md`.
 *
 * @module
 */
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
