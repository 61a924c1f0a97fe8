// Counts type assertions in src/ on the syntax tree (TypeScript's own parser), so that strings,
// comments and `as` in import renames do not count: `x as T` and `<T>x`, but not `x as const`,
// which asserts nothing about a value's type. Usage: node scripts/count-casts.js [folder] [--list]
/* global console, process */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const root = args.find((a) => !a.startsWith('--')) ?? 'src';
const list = args.includes('--list');

function* tsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const isConst = (type) => ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'const';

let total = 0;
const perFile = [];
for (const path of tsFiles(root)) {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  let count = 0;
  const visit = (node) => {
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !isConst(node.type)) {
      count += 1;
      if (list) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        console.log(`${path}:${line + 1}  ${node.getText().replace(/\s+/g, ' ').slice(0, 100)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (count > 0) perFile.push([path, count]);
  total += count;
}
if (!list) for (const [path, count] of perFile.sort((a, b) => b[1] - a[1])) console.log(`${String(count).padStart(4)}  ${path}`);
console.log(`${total} type assertions in ${root}/ (as const excluded)`);
