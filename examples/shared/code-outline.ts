/**
 * A static outline of a TypeScript or JavaScript file, read with the TypeScript compiler's parser: the
 * module's leading doc comment, what it imports, and each export with its kind and the first sentence of
 * its doc comment. The offline explainer answers from it.
 *
 * @module
 */
import ts from "typescript";

/** One exported declaration. */
export interface OutlineExport {
  name: string;
  kind: "function" | "class" | "interface" | "type" | "const" | "enum";
  /** First sentence of its doc comment, if any. */
  summary?: string;
}

/** What `outline` finds in a file. */
export interface Outline {
  lines: number;
  /** The first sentence of the file's leading `/** … *\/` comment. */
  summary?: string;
  /** Module specifiers imported, in order, without duplicates. */
  imports: string[];
  exports: OutlineExport[];
}

/** Outlines `code` (the file name decides TS/TSX/JS parsing). */
export function outline(fileName: string, code: string): Outline {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  const exports: OutlineExport[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const from = statement.moduleSpecifier.text;
      if (!imports.includes(from)) imports.push(from);
      continue;
    }
    if (!isExported(statement)) continue;
    const summary = docSummary(statement);
    for (const { name, kind } of declared(statement)) {
      exports.push({ name, kind, ...(summary ? { summary } : {}) });
    }
  }
  const leading = ts.getLeadingCommentRanges(code, 0)?.find((range) => code.startsWith("/**", range.pos));
  const summary = leading ? firstSentence(code.slice(leading.pos + 3, leading.end - 2)) : undefined;
  return { lines: code.split("\n").length, imports, exports, ...(summary ? { summary } : {}) };
}

function isExported(node: ts.Statement): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

function declared(node: ts.Statement): Array<Pick<OutlineExport, "name" | "kind">> {
  if (ts.isFunctionDeclaration(node) && node.name) return [{ name: node.name.text, kind: "function" }];
  if (ts.isClassDeclaration(node) && node.name) return [{ name: node.name.text, kind: "class" }];
  if (ts.isInterfaceDeclaration(node)) return [{ name: node.name.text, kind: "interface" }];
  if (ts.isTypeAliasDeclaration(node)) return [{ name: node.name.text, kind: "type" }];
  if (ts.isEnumDeclaration(node)) return [{ name: node.name.text, kind: "enum" }];
  if (ts.isVariableStatement(node)) {
    return node.declarationList.declarations.flatMap((declaration) =>
      ts.isIdentifier(declaration.name) ? [{ name: declaration.name.text, kind: "const" as const }] : [],
    );
  }
  return [];
}

function docSummary(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const comment = docs.at(-1)?.comment;
  const text = typeof comment === "string" ? comment : comment?.map((part) => part.text).join("");
  return text ? firstSentence(text) : undefined;
}

function firstSentence(text: string): string | undefined {
  const plain = text
    .split("\n")
    .map((line) => line.replace(/^\s*\*\s?/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("@"))
    .join(" ");
  const sentence = /^(.*?[.!?])(\s|$)/.exec(plain)?.[1] ?? plain;
  return sentence === "" ? undefined : sentence;
}
