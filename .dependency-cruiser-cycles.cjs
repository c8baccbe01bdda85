/**
 * No import cycle in `src/` among the imports that remain at run time (static and dynamic `import`), checked
 * by `npm run lint`. Type-only imports are allowed to form cycles: TypeScript erases them.
 *
 * A config of its own because it needs a graph without the type-only imports (`tsPreCompilationDeps: false`):
 * dependency-cruiser reports one cycle per import, the first it finds, so in a graph that keeps them a cycle
 * through a type-only import can hide a value cycle over the same import. The layer rules are in
 * `.dependency-cruiser.cjs`.
 */
const layers = require("./.dependency-cruiser.cjs");

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-import-cycle",
      comment:
        "Modules that import each other (directly or around a loop) load in an order that depends on who " +
        "imported first: a class may be undefined when another module extends it. Break the loop by moving " +
        "the shared part into a module both import, or by passing the dependency in.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: { ...layers.options, tsPreCompilationDeps: false },
};
