/**
 * The banned-import guard: module patterns banned in production paths. A rule set is JSON; each
 * rule bans module specifiers matching `pattern` (a glob: `*` any run of characters) in files whose
 * path matches one of `paths` and none of `exceptPaths`. Pure: callers hand in file contents.
 */
import { z } from 'zod';
import { describeIssues, invalidInput } from '../../shared/errors.js';
import { compileLinear } from '../../shared/linear-regex.js';

export const guardRuleSchema = z.object({
  id: z.string().min(1).max(100),
  pattern: z.string().min(1).max(300),
  reason: z.string().max(500).default(''),
  paths: z.array(z.string().min(1)).default(['**']),
  exceptPaths: z.array(z.string().min(1)).default([]),
});
export const ruleSetSchema = z.object({ rules: z.array(guardRuleSchema).min(1) }).strict();
export type GuardRule = z.infer<typeof guardRuleSchema>;
export type RuleSet = z.infer<typeof ruleSetSchema>;

/** Test and dev-only paths, which may import anything. */
const NON_PRODUCTION = [
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/*.test.*',
  '**/*.spec.*',
  '**/fixtures/**',
  'scripts/**',
  '**/scripts/**',
];

/** The default rule set: dev-only modules (test helpers, mocks, MCP dev servers) stay out of production. */
export const DEFAULT_RULE_SET: RuleSet = {
  rules: [
    {
      id: 'dev-mcp-ban',
      pattern: '@modelcontextprotocol/*',
      reason: 'MCP dev servers are dev-only',
      paths: ['**'],
      exceptPaths: NON_PRODUCTION,
    },
    {
      id: 'no-test-helpers',
      pattern: '*test/helpers*',
      reason: 'test helpers are dev-only',
      paths: ['**'],
      exceptPaths: NON_PRODUCTION,
    },
    {
      id: 'no-mocks',
      pattern: '*mock*',
      reason: 'mocks are dev-only',
      paths: ['**'],
      exceptPaths: NON_PRODUCTION,
    },
    {
      id: 'no-test-frameworks',
      pattern: 'node:test',
      reason: 'test runners are dev-only',
      paths: ['**'],
      exceptPaths: NON_PRODUCTION,
    },
    {
      id: 'no-rules-unit-testing',
      pattern: '@firebase/rules-unit-testing',
      reason: 'emulator-only testing library',
      paths: ['**'],
      exceptPaths: NON_PRODUCTION,
    },
  ],
};

export interface Violation {
  file: string;
  line: number;
  rule: string;
  module: string;
  reason: string;
}

/** Parses a rule set from JSON text, naming every problem. */
export function parseRuleSet(text: string): { ok: true; ruleSet: RuleSet } | { ok: false; errors: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`rule set is not JSON: ${(err as Error).message}`] };
  }
  const parsed = ruleSetSchema.safeParse(value);
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error.issues) };
  return { ok: true, ruleSet: parsed.data };
}

/**
 * Glob to a matcher: `**` crosses `/`, `*` does not for paths; module patterns treat `*` as any run.
 * Rules come from callers, and a glob of many `*` backtracks polynomially in `RegExp`, so the
 * matcher runs on RE2 (linear time).
 */
export function globToRegExp(glob: string, crossSlash = false): { test(input: string): boolean } {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` is zero or more whole directories; a bare `**` is anything.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i++;
      }
    } else if (c === '*') re += crossSlash ? '.*' : '[^/]*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const compiled = compileLinear(`^${re}$`);
  if (!compiled.ok) throw invalidInput(`glob "${glob}" cannot be compiled: ${compiled.error}`);
  return compiled;
}

// import x from 'm' | import 'm' | export ... from 'm' | require('m') | import('m')
const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;

/** Module specifiers imported on each line (1-based), comments ignored. */
export function importsByLine(source: string): Array<{ line: number; module: string }> {
  const out: Array<{ line: number; module: string }> = [];
  let inBlock = false;
  source.split(/\r?\n/).forEach((text, i) => {
    let code = text;
    if (inBlock) {
      const end = code.indexOf('*/');
      if (end < 0) return;
      code = code.slice(end + 2);
      inBlock = false;
    }
    code = code.replace(/\/\*.*?\*\//g, '');
    const open = code.indexOf('/*');
    if (open >= 0) {
      code = code.slice(0, open);
      inBlock = true;
    }
    code = code.replace(/(^|[^:])\/\/.*$/, '$1');
    for (const m of code.matchAll(IMPORT_RE)) out.push({ line: i + 1, module: m[2]! });
  });
  return out;
}

/** Every violation of the rule set in the given files (paths relative to the scanned root, `/`-separated). */
export function scanFiles(files: Array<{ path: string; content: string }>, ruleSet: RuleSet): Violation[] {
  const rules = ruleSet.rules.map((r) => ({
    ...r,
    mod: globToRegExp(r.pattern, true),
    inc: r.paths.map((p) => globToRegExp(p)),
    exc: r.exceptPaths.map((p) => globToRegExp(p)),
  }));
  const out: Violation[] = [];
  for (const f of files) {
    const path = f.path.replace(/\\/g, '/').replace(/^\.\//, '');
    const applicable = rules.filter(
      (r) => r.inc.some((g) => g.test(path)) && !r.exc.some((g) => g.test(path)),
    );
    if (!applicable.length) continue;
    for (const imp of importsByLine(f.content))
      for (const r of applicable)
        if (r.mod.test(imp.module))
          out.push({ file: path, line: imp.line, rule: r.id, module: imp.module, reason: r.reason });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}
