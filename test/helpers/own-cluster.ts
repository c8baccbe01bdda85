/**
 * A PostgreSQL cluster of a test's own (initdb into a temp dir, a free port, its socket in that dir), for
 * tests that stop or restart the server: the shared server on 5432 is never touched. Run as root, the
 * binaries run as the `postgres` user (they refuse root). About 2 s to create on this machine.
 */
import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
function binDir(): string {
  const majors = readdirSync("/usr/lib/postgresql")
    .map(Number)
    .filter((major) => Number.isInteger(major))
    .sort((a, b) => b - a);
  if (majors.length === 0)
    throw new Error("no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)");
  return `/usr/lib/postgresql/${majors[0]}/bin`;
}

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface OwnCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  /** `pg_ctl stop -m fast`: every connection is closed, the server shuts down cleanly. */
  stop(): Promise<void>;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (immediately) and removes its directory. */
  remove(): Promise<void>;
}

/** Creates and starts a cluster on a free port (trust auth, user `postgres`). */
export async function ownCluster(): Promise<OwnCluster> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  // As root, under /tmp itself: the test run's own temp dir is private to root, and the server runs as
  // `postgres`. Removed by `remove()`.
  const dir = mkdtempSync(join(asRoot ? "/tmp" : tmpdir(), "fairway-pg-"));
  const data = join(dir, "data");
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: group } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(group.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);
  const port = await freePort();
  await pg("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await pg("pg_ctl", ["start", "-w", "-D", data, "-l", join(dir, "log"), "-o", options]);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg("pg_ctl", ["stop", "-w", "-m", "fast", "-D", data]);
    },
    start,
    remove: async () => {
      await pg("pg_ctl", ["stop", "-w", "-m", "immediate", "-D", data]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
