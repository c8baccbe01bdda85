import type { Run } from "../engine/types.js";
import { NotFoundError } from "../errors/not-found-error.js";
import type { AnyFairway } from "../fairway.js";
import type { Principal } from "./auth/server-auth.js";

/** Which tenant (user) a run belongs to; `undefined` for runs of no tenant (only admins read those). */
export type TenantOf = (run: Run) => string | undefined;

/** Default {@link TenantOf}: the trigger event's `data.userId`, else `data.user_id` (AgentKit's examples use both). */
export const defaultTenantOf: TenantOf = (run) => {
  const data = run.event?.data ?? {};
  const value = data.userId ?? data.user_id;
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
};

const CACHE_SIZE = 10_000;

/**
 * Decides which runs a caller may read: admins every run, a tenant only runs whose {@link TenantOf} is
 * its `userId`. Remembers the tenant of recently seen runs so live streams can filter without a store read.
 */
export class RunAccess {
  readonly #client: AnyFairway;
  readonly #tenantOf: TenantOf;
  readonly #tenants = new Map<string, string | undefined>();

  constructor(client: AnyFairway, tenantOf: TenantOf) {
    this.#client = client;
    this.#tenantOf = tenantOf;
  }

  /** True when `principal` may read `run`. */
  allows(principal: Principal, run: Run): boolean {
    if (principal.role === "admin") return true;
    return principal.role === "tenant" && this.#remember(run) === principal.userId;
  }

  /**
   * The run, if `principal` may read it.
   * @throws NotFoundError for an unknown run and for another tenant's run alike, so that a tenant cannot
   *   learn which run ids exist.
   */
  async read(principal: Principal, runId: string): Promise<Run> {
    const run = await this.#client.getRun(runId);
    if (!run || !this.allows(principal, run)) throw new NotFoundError("run", runId);
    return run;
  }

  /** True when `principal` may read run `runId` (false for unknown runs); cached per run. */
  async allowsId(principal: Principal, runId: string): Promise<boolean> {
    if (principal.role === "admin") return true;
    if (principal.role !== "tenant") return false;
    if (!this.#tenants.has(runId)) {
      const run = await this.#client.getRun(runId);
      if (!run) return false;
      this.#remember(run);
    }
    return this.#tenants.get(runId) === principal.userId;
  }

  #remember(run: Run): string | undefined {
    const tenant = this.#tenantOf(run);
    if (!this.#tenants.has(run.id)) {
      if (this.#tenants.size >= CACHE_SIZE) this.#tenants.delete(this.#tenants.keys().next().value!);
      this.#tenants.set(run.id, tenant);
    }
    return tenant;
  }
}
