/**
 * Loads an optional peer dependency when a feature first needs it.
 *
 * @module
 */
import { MissingPeerError } from "../errors/missing-peer-error.js";

/**
 * `import(specifier)`, or MissingPeerError naming `packageName` and `feature` when the package is not
 * installed. Other load failures are rethrown as they are.
 */
export async function importPeer<T>(
  load: () => Promise<T>,
  packageName: string,
  feature: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const missing =
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      String((error as Error).message).includes(packageName);
    if (missing) throw new MissingPeerError(packageName, feature, { cause: error });
    throw error;
  }
}
