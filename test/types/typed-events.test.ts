/**
 * Compile-time checks with the TypeScript compiler: the seed's multi-tenancy code type-checks with only
 * its imports changed, typed events compile, and a wrong event field fails to compile. The fixtures import
 * `fairway-agents` as a user would; `paths` maps each entry of package.json's `exports` to its source.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = join(root, "test/types/fixtures");

/** Compiler options of tsconfig.json, with the package's exports mapped to `src/`. */
function compilerOptions(): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error("tsconfig.json did not parse");
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, string | { import: string }>;
  };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === "string") continue;
    const source = target.import.replace(/^\.\/dist\//, "./src/").replace(/\.js$/, ".ts");
    paths[subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`] = [source];
  }
  return { ...config.options, noEmit: true, baseUrl: root, paths };
}

const options = compilerOptions();
let previous: ts.Program | undefined;

/** Diagnostics of `file` (a fixture), with `replace` applied to its text first. */
function diagnosticsOf(file: string, replace?: [string, string]): string[] {
  const path = join(fixtures, file);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const text = readFileSync(path, "utf8");
  const patched = replace ? text.replace(replace[0], replace[1]) : text;
  host.readFile = (name) => (resolve(name) === path ? patched : readFile(name));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError) =>
    resolve(name) === path
      ? ts.createSourceFile(name, patched, language)
      : getSourceFile(name, language, onError);
  const program = ts.createProgram([path], options, host, previous);
  previous = program;
  const source = program.getSourceFile(path);
  if (!source) throw new Error(`${file} was not compiled`);
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
    (diagnostic) => {
      const line =
        diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line;
      return `${line + 1}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`;
    },
  );
}

const WRONG_FIELD = "  // WRONG_FIELD";
/** A type check of the fixture and the sources it reaches takes seconds, more on a loaded machine. */
const TSC_TIMEOUT_MS = 180_000;

/** `code` swapped in for the marker line fails to compile with exactly one error there, matching `message`. */
function expectOneError(code: string, message: RegExp): void {
  const errors = diagnosticsOf("typed-events.ts", [WRONG_FIELD, code]);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(new RegExp(`^${line}: `));
  expect(errors[0]?.replace(/^\d+: /, "")).toMatch(message);
}

/** The fixture line the wrong code is swapped into (1-based). */
const line = readFileSync(join(fixtures, "typed-events.ts"), "utf8").split("\n").indexOf(WRONG_FIELD) + 1;

describe("typed events (tsc)", () => {
  it(
    "the seed's multi-tenancy code type-checks with only its imports changed",
    () => {
      expect(diagnosticsOf("seed-multitenancy.ts")).toEqual([]);
    },
    TSC_TIMEOUT_MS,
  );

  it(
    "declared events type event.data in handlers and send",
    () => {
      expect(diagnosticsOf("typed-events.ts")).toEqual([]);
    },
    TSC_TIMEOUT_MS,
  );

  it(
    "a wrong field name in send fails to compile",
    () => {
      expectOneError(
        '  await fairway.send({ name: "deep-research-network/run", data: { userId: "u1", input: "x" } });',
        /^TS2561 Object literal may only specify known properties, but 'userId' does not exist/,
      );
    },
    TSC_TIMEOUT_MS,
  );

  it(
    "a wrong field type in a list sent fails to compile",
    () => {
      expectOneError(
        '  await fairway.send([{ name: "app/free" }, { name: "billing/plan.changed", data: { plan: "gold" } }]);',
        /^TS2322 Type '"gold"' is not assignable to type '"free" \| "paid"'/,
      );
    },
    TSC_TIMEOUT_MS,
  );

  it(
    "reading an undeclared field in a handler fails to compile",
    () => {
      expectOneError(
        '  fairway.createFunction({ id: "bad" }, { event: "deep-research-network/run" }, ({ event }) => event.data.userId);',
        /^TS2551 Property 'userId' does not exist on type '{ user_id: string; input: string; }'/,
      );
    },
    TSC_TIMEOUT_MS,
  );
});
