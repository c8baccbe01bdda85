import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Points every test worker (and the child processes tests start) at one temporary folder for this run,
 * through TMPDIR (which `os.tmpdir()` reads), and removes it when the run ends: SQLite files, crash-test
 * folders and app fixtures never pile up in the machine's /tmp.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "fairway-test-run-"));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
