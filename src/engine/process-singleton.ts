/**
 * One value per process, shared by every copy of Fairway's modules that the process loaded.
 *
 * A process can hold two copies of a module: the dual-package hazard, e.g. `tsx` in a CommonJS project
 * compiles the package to CommonJS for `require` while a dynamic `import()` inside it loads the ES module
 * again. Module-level state (an `AsyncLocalStorage`, a registry) would then split in two, and a network
 * run would not see the durable execution it runs in. Values kept here live on `globalThis` under a
 * `Symbol.for` key, so both copies find the same one.
 *
 * @module
 */

/**
 * The process's value named `name` (key `Symbol.for("fairway-agents." + name)`), made by `create` the first
 * time any copy of the module asks for it.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`fairway-agents.${name}`);
  const shared = globalThis as { [key]?: T };
  if (!(key in shared)) shared[key] = create();
  return shared[key] as T;
}

/**
 * Marks instances of a class so `instanceof` holds across module copies (see the module doc): installs a
 * prototype brand `Symbol.for("fairway-agents." + name)` and a `Symbol.hasInstance` that checks it.
 */
export function brandClass(target: abstract new (...args: never[]) => unknown, name: string): void {
  const brand = Symbol.for(`fairway-agents.${name}`);
  Object.defineProperty(target.prototype, brand, { value: true });
  Object.defineProperty(target, Symbol.hasInstance, {
    value: (value: unknown) =>
      typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true,
  });
}
