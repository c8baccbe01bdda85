/**
 * Lease owner ids: `<hostname>:<pid>:<random>`. An owner on this host whose process is gone holds only dead
 * leases, so a restarted engine reclaims its runs at once instead of waiting for the lease to expire.
 *
 * @module
 */
import { hostname } from "node:os";

/** A fresh owner id for this process. */
export function newLeaseOwner(random: string): string {
  return `${hostname()}:${process.pid}:${random}`;
}

/**
 * True when `owner` names a process on this host that no longer exists. Owners on other hosts, and live or
 * unknowable processes, are not dead (their leases run out by expiry). A reused pid keeps a dead owner
 * "alive" until its lease expires, which is safe.
 */
export function isDeadLocalOwner(owner: string, self: string): boolean {
  if (owner === self) return false;
  const [host, pidText] = owner.split(":");
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
