/**
 * The layer rules of `src/` (src/engine/ARCHITECTURE.md, "Where flow control plugs in"), checked by
 * `npm run lint` with dependency-cruiser. Type-only imports count here: a layer may not even name the types
 * of a layer above it.
 * Import cycles are checked by `.dependency-cruiser-cycles.cjs`, on the imports that remain at run time.
 *
 * A rule names what a layer may not import; an exemption is one edge, with the reason beside it.
 */

const { builtinModules } = require("node:module");

/** Concrete stores: the folders of the SQLite, memory and PostgreSQL stores. */
const CONCRETE_STORE = "^src/store/(sqlite|memory|postgres)/";

/** Node's built-in modules, with or without the `node:` prefix. */
const NODE_BUILT_IN = `^(node:)?(${builtinModules.join("|")})$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "engine-imports-lower-layers-only",
      comment:
        "src/engine may import src/flow, src/expr, src/errors and the store contract with its store-neutral " +
        "helpers (src/store/*.ts); never src/agents, src/server, a concrete store or the client (src/fairway.ts).",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { path: "^src/", pathNot: ["^src/(engine|flow|expr|errors)/", "^src/store/[^/]+[.]ts$"] },
    },
    {
      name: "engine-never-reaches-a-concrete-store",
      comment:
        "Not even through a helper: src/store/open-store.ts picks a concrete store and is the client's " +
        "(src/fairway.ts), not the engine's.",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { path: CONCRETE_STORE, reachable: true },
    },
    {
      name: "flow-is-pure",
      comment:
        "src/flow imports only src/expr and src/errors: nothing from the engine, a store, the server or agents " +
        "(src/flow/ARCHITECTURE.md: time, CEL and state arrive as arguments).",
      severity: "error",
      from: { path: "^src/flow/" },
      to: {
        path: "^src/",
        pathNot: [
          "^src/(flow|expr|errors)/",
          // Exempt, as types only (next rule): flow's per-key overrides take the `LimitOverride` record
          // that the store defines and keeps. The type belongs in src/flow (or a neutral module) with the
          // store importing it; until it moves, this one edge is allowed.
          "^src/store/limit-override[.]ts$",
        ],
      },
    },
    {
      name: "flow-takes-only-the-limit-override-type-from-the-store",
      comment: "The exemption above is for `import type` only: no store code runs inside src/flow.",
      severity: "error",
      from: { path: "^src/flow/" },
      to: { path: "^src/store/limit-override[.]ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "stores-sit-below-the-engine",
      comment:
        "The store contract, its helpers and the stores never import the engine, agents, the server, the CLI, " +
        "the Inngest or MCP adapters, or the client (src/fairway.ts, src/index.ts).",
      severity: "error",
      from: { path: "^src/store/" },
      to: { path: "^src/(engine|agents|server|cli|inngest|mcp|testing)/|^src/(fairway|index)[.]ts$" },
    },
    {
      name: "store-contract-is-types-only",
      comment: "src/store/store.ts is a contract: it imports types only, so no code hides in it.",
      severity: "error",
      from: { path: "^src/store/store[.]ts$" },
      to: { dependencyTypesNot: ["type-only"] },
    },
    {
      name: "store-helpers-are-store-neutral",
      comment:
        "src/store/*.ts serve every store and the engine, so they import no concrete store. open-store.ts is " +
        "the exception by design: it picks the store for the client.",
      severity: "error",
      from: { path: "^src/store/[^/]+[.]ts$", pathNot: "^src/store/open-store[.]ts$" },
      to: {
        path: CONCRETE_STORE,
        // Exempt: store-failures.ts classifies every store's driver errors and asks the PostgreSQL store's
        // one transient rule which SQLSTATEs are worth retrying (a pure classifier, no driver import).
        pathNot: "^src/store/postgres/transient-error[.]ts$",
      },
    },
    {
      name: "concrete-stores-stay-apart",
      comment:
        "A concrete store does not import another one, except the PostgreSQL store reusing the SQLite store's " +
        "row mappers and table modules (src/store/postgres/ARCHITECTURE.md: the same TEXT/JSON columns).",
      severity: "error",
      from: { path: "^src/store/(sqlite|memory|postgres)/" },
      to: {
        path: CONCRETE_STORE,
        pathNot: [
          "^src/store/$1/",
          "^src/store/sqlite/(rows|migrations|flow-pending-table|limit-overrides-table|usage-table)[.]ts$",
        ],
      },
    },
    {
      name: "agents-run-on-the-engine-not-the-store",
      comment:
        "src/agents reach durability through the engine's execution context: they never import a store, the " +
        "server, the CLI or the Inngest adapter.",
      severity: "error",
      from: { path: "^src/agents/" },
      to: { path: "^src/(store|server|cli|inngest)/" },
    },
    {
      name: "models-stand-alone",
      comment:
        "Model adapters (src/models) know nothing of the runtime: they import only src/models, src/errors " +
        "and src/peers.",
      severity: "error",
      from: { path: "^src/models/" },
      to: { path: "^src/", pathNot: "^src/(models|errors|peers)/" },
    },
    {
      name: "server-and-cli-on-top",
      comment: "Only the CLI imports the server, and nothing imports the CLI: they are the top layer.",
      severity: "error",
      from: { pathNot: "^src/(server|cli)/" },
      to: { path: "^src/(server|cli)/" },
    },
    {
      name: "cli-imports-the-server-not-the-reverse",
      comment: "The server is a library the CLI starts; it never imports the CLI.",
      severity: "error",
      from: { path: "^src/server/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "browser-code-stays-browser-safe",
      comment:
        "fairway/client and fairway/react run in browsers: they import only src/client, src/react, the " +
        "streaming schema and src/errors, and no Node built-in, even indirectly.",
      severity: "error",
      from: { path: "^src/(client|react)/" },
      to: {
        path: "^src/",
        pathNot: ["^src/(client|react|errors)/", "^src/streaming/(schema|thread-message)[.]ts$"],
      },
    },
    {
      name: "browser-code-reaches-no-node-built-in",
      comment: "Not directly, nor through the streaming schema or an error class.",
      severity: "error",
      from: { path: "^src/(client|react)/" },
      to: { path: NODE_BUILT_IN, reachable: true },
    },
  ],
  options: {
    exclude: { path: "[.]test[.]ts$" },
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
