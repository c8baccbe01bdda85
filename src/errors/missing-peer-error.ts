import { FairwayError } from "./fairway-error.js";

/**
 * An optional peer dependency a feature needs is not installed (`pg` for `postgresHistory`, the MCP SDK
 * for `mcpServers`). `packageName` is what to install.
 */
export class MissingPeerError extends FairwayError {
  readonly packageName: string;

  constructor(packageName: string, feature: string, options?: { cause?: unknown }) {
    super(
      "peer_missing",
      `${feature} needs the package "${packageName}", which is not installed: run \`npm i ${packageName}\`.`,
      options,
    );
    this.packageName = packageName;
  }
}
