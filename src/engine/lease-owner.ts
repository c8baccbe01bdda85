/**
 * Lease owner ids: `<host>:<pid>:<random>`, where `<host>` is the hostname plus, on Linux, a hash of the
 * kernel's boot id and this process's pid namespace. An owner on this host whose process is gone holds only
 * dead leases, so a restarted engine reclaims its runs at once instead of waiting for the lease to expire.
 *
 * "This host" must mean "pids mean the same thing here": two containers with the same hostname (replicas
 * given one `hostname:`, cloned VMs) have separate pid namespaces, where `kill(pid, 0)` says nothing about
 * the other's processes and both apps can be pid 1. The boot id and pid namespace tell them apart, so a
 * replica never takes a live replica's leases for dead ones.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";

/** `<hostname>/<12 hex of sha256(boot id, pid namespace)>` on Linux; the hostname alone where /proc lacks them. */
function localHost(): string {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const pidNamespace = readlinkSync("/proc/self/ns/pid");
    return `${hostname()}/${createHash("sha256").update(`${boot} ${pidNamespace}`).digest("hex").slice(0, 12)}`;
  } catch {
    return hostname();
  }
}

/** This host's part of owner ids, computed on first use (not at import). */
let cachedLocalHost: string | undefined;
const thisHost = (): string => (cachedLocalHost ??= localHost());

/** A fresh owner id for a client of this process. */
export function newLeaseOwner(random: string): string {
  return `${thisHost()}:${process.pid}:${random}`;
}

/**
 * True when `owner` names a process on this host (same hostname, boot and pid namespace) that no longer
 * exists. Owners on other hosts, and live or unknowable processes, are not dead (their leases run out by
 * expiry). A reused pid keeps a dead owner "alive" until its lease expires, which is safe. Another owner with
 * this process's own pid counts as dead: an earlier client of this process that stopped without closing (how
 * the in-process restart tests stand in for a crash). Known limit: two live clients of one app in one process
 * on one store would take each other's leases; run one client per process.
 */
export function isDeadLocalOwner(owner: string, self: string): boolean {
  if (owner === self) return false;
  const [host, pidText] = owner.split(":");
  const pid = Number(pidText);
  if (host !== thisHost() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
