/**
 * Lists the functions in src/ longer than a limit (default 60 lines), longest first:
 * `npm run check:functions`. A function's length counts its own lines, not those of the
 * functions written inside it (a factory's closures are measured one by one).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

export interface LongFunction {
  file: string;
  name: string;
  line: number;
  lines: number;
}

/** Every .ts file under `dir`, generated code left out. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes(`${join("src", "generated")}`))
    .sort();
}

function functionName(node: ts.FunctionLikeDeclaration): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (ts.isCallExpression(parent)) return `${parent.expression.getText().slice(0, 40)}(…)`;
  return "(anonymous)";
}

/** The functions of one file over `limit` lines, each counted without its nested functions. */
export function longFunctionsIn(path: string, root: string, limit: number): LongFunction[] {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const found: LongFunction[] = [];
  const measure = (fn: ts.FunctionLikeDeclaration): void => {
    const own = new Set<number>();
    const start = lineOf(fn.getStart(source));
    for (let line = start; line <= lineOf(fn.getEnd()); line++) own.add(line);
    const dropNested = (node: ts.Node): void => {
      if (node !== fn && ts.isFunctionLike(node) && "body" in node && node.body) {
        const inner = node as ts.FunctionLikeDeclaration;
        // The nested function's first line stays: it is a line of the outer one too.
        for (let line = lineOf(inner.getStart(source)) + 1; line <= lineOf(inner.getEnd()); line++) {
          own.delete(line);
        }
        return;
      }
      ts.forEachChild(node, dropNested);
    };
    ts.forEachChild(fn, dropNested);
    if (own.size > limit) {
      found.push({ file: relative(root, path), name: functionName(fn), line: start + 1, lines: own.size });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) measure(node as ts.FunctionLikeDeclaration);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every function in `root`/src over `limit` lines, longest first. */
export function longFunctions(root: string, limit = 60): LongFunction[] {
  return sourceFiles(join(root, "src"))
    .flatMap((path) => longFunctionsIn(path, root, limit))
    .sort((a, b) => b.lines - a.lines);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const limit = Number(process.argv[2] ?? 60);
  const found = longFunctions(process.cwd(), limit);
  for (const fn of found) console.log(`${fn.lines}\t${fn.file}:${fn.line}\t${fn.name}`);
  if (found.length > 0) process.exitCode = 1;
}
