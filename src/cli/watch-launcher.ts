/**
 * Ends an app with the npm process that launched it. `npm start` and `npx fairway dev` run the app as
 * `npm → sh -c "…" → node`: npm passes SIGTERM and SIGINT on to the shell only, which ends without
 * passing them on, and a SIGKILL of npm reaches nobody. Without a watch the app keeps running, its port
 * bound, after its npm process was killed.
 *
 * @module
 */
import { readFileSync } from "node:fs";

/** Options of {@link watchLauncher}. */
export interface WatchLauncherOptions {
  /** How often the launchers are checked, ms. @default 500 */
  intervalMs?: number;
  /** Where `npm_command` is read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** How many ancestors are watched at most (npm → sh → tsx → node is 3). */
const MAX_DEPTH = 8;

/**
 * Calls `onGone` once when a process between this one and the npm process that started it (npm
 * included) has ended. The chain is read from `/proc` (Linux) when the watch starts; elsewhere only the
 * parent is watched. Does nothing unless started by npm (`npm_command` is set): a process meant to
 * outlive its shell (`nohup`, a supervisor) is left alone. The timer does not keep the process alive.
 *
 * @returns stops watching.
 */
export function watchLauncher(onGone: () => void, options: WatchLauncherOptions = {}): () => void {
  if (!(options.env ?? process.env).npm_command) return () => {};
  const launchers = ancestors(process.ppid);
  const timer = setInterval(() => {
    if (!launchers.some((pid) => !isAlive(pid))) return;
    clearInterval(timer);
    onGone();
  }, options.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}

/** `pid` and its ancestors up to the first npm process (or MAX_DEPTH, or init). */
function ancestors(pid: number): number[] {
  const chain: number[] = [];
  let current = pid;
  while (current > 1 && chain.length < MAX_DEPTH) {
    chain.push(current);
    const info = procInfo(current);
    if (!info || info.npm) break;
    current = info.ppid;
  }
  return chain;
}

/** The parent of `pid` and whether it is npm, from `/proc`; `undefined` where there is no `/proc`. */
function procInfo(pid: number): { ppid: number; npm: boolean } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    // npm's title ("npm exec …", "npm start …"), or `node /…/npm-cli.js`, or `/usr/bin/npm`.
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, 2);
    return { ppid, npm: args.some((arg) => /^(.*\/)?npm(-cli\.js)?(\s|$)/.test(arg)) };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
