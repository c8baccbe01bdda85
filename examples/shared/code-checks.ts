/**
 * Rule-based review findings for a TypeScript file, read with the TypeScript compiler's parser: explicit
 * `any`, `console.*` calls, `TODO`/`FIXME` comments, and functions or methods longer than 40 lines. The
 * offline reviewer of the code-analysis example reports them; a real model reviews the code itself.
 *
 * @module
 */
import ts from "typescript";

/** One finding, with its 1-based line. */
export interface CodeFinding {
  line: number;
  rule: "explicit-any" | "console" | "todo" | "long-function";
  message: string;
}

/** Longest function body, in lines, before `long-function` reports it. */
const maxFunctionLines = 40;

/** The findings in `code`, by line. */
export function checkCode(fileName: string, code: string): CodeFinding[] {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const findings: CodeFinding[] = [];
  const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line + 1;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      findings.push({
        line: lineOf(node.getStart()),
        rule: "explicit-any",
        message: "explicit `any`: give it a type",
      });
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === "console"
    ) {
      findings.push({
        line: lineOf(node.getStart()),
        rule: "console",
        message: `console.${node.expression.name.text} call: use the app's logger`,
      });
    }
    if ((ts.isFunctionLike(node) && "body" in node && node.body) || false) {
      const body = (node as ts.FunctionLikeDeclaration).body as ts.Node;
      const lines = lineOf(body.getEnd()) - lineOf(body.getStart()) + 1;
      if (lines > maxFunctionLines) {
        findings.push({
          line: lineOf(node.getStart()),
          rule: "long-function",
          message: `function of ${lines} lines: split it`,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  code.split("\n").forEach((text, index) => {
    const todo = /\/\/\s*(TODO|FIXME)\b:?\s*(.*)$/.exec(text);
    if (todo)
      findings.push({ line: index + 1, rule: "todo", message: `open ${todo[1]}: ${todo[2] || "(no text)"}` });
  });
  return findings.sort((a, b) => a.line - b.line);
}
