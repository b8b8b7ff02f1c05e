/**
 * `npm run guard -- <dir> [--rules rules.json]`: the banned-import guard over a source tree.
 * Prints each violation as `file:line rule (module)` and exits 1 when there is any, 2 on bad usage
 * or a rule set that does not parse.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { parseRuleSet, scanFiles, DEFAULT_RULE_SET } from '../functions/src/tasks/core/guard-rules.js';

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
// Build output and dependencies are not source.
const SKIP = new Set(['node_modules', '.git', 'dist', '.local', 'coverage']);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function main(argv: string[]): number {
  const rulesAt = argv.indexOf('--rules');
  const rulesFile = rulesAt >= 0 ? argv[rulesAt + 1] : undefined;
  const dirs = argv.filter((a, i) => a !== '--rules' && (rulesAt < 0 || i !== rulesAt + 1));
  if (!dirs.length || (rulesAt >= 0 && !rulesFile)) {
    console.error('usage: npm run guard -- <dir> [--rules rules.json]');
    return 2;
  }
  let ruleSet = DEFAULT_RULE_SET;
  if (rulesFile) {
    const r = parseRuleSet(readFileSync(rulesFile, 'utf8'));
    if (!r.ok) {
      console.error(`${rulesFile}: rule set does not parse:\n  ${r.errors.join('\n  ')}`);
      return 2;
    }
    ruleSet = r.ruleSet;
  }
  let count = 0;
  for (const dir of dirs) {
    const root = statSync(dir).isDirectory() ? dir : dirname(dir);
    const paths = statSync(dir).isDirectory() ? walk(dir) : [dir];
    const files = paths.map((f) => ({
      path: relative(root, f).split(sep).join('/'),
      content: readFileSync(f, 'utf8'),
    }));
    for (const v of scanFiles(files, ruleSet)) {
      console.log(
        `${join(root, v.file)}:${v.line} ${v.rule} (${v.module})${v.reason ? ` - ${v.reason}` : ''}`,
      );
      count++;
    }
  }
  console.error(count ? `${count} banned import(s)` : 'no banned imports');
  return count ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
