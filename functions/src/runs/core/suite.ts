/**
 * ScenarioSuite: the behaviour a pipeline is accepted by, published once as `name@version`.
 * Holdout scenarios are never shown to stages; the workflow never hands the suite to a stage. Pure.
 */
import { compileLinear } from '../../shared/linear-regex.js';
import type { Check } from './checks.js';

export interface Scenario {
  id: string;
  title: string;
  /** Never visible to the pipeline's stages; evaluated like any other scenario. */
  holdout: boolean;
  /** A failing critical scenario is a critical failure in the decision policy. */
  critical: boolean;
  checks: Check[];
}

export interface ScenarioSuite {
  name: string;
  version: string;
  /** The pipeline (spec name) this suite accepts. */
  pipeline: string;
  /** k: how many repeated runs a run request starts; differing outcomes between them are flagged. */
  repeat: number;
  scenarios: Scenario[];
}

export const MAX_REPEAT = 10;

export function validateSuite(suite: ScenarioSuite): string[] {
  const problems: string[] = [];
  if (suite.scenarios.length === 0) problems.push('the suite has no scenarios');
  if (!Number.isInteger(suite.repeat) || suite.repeat < 1 || suite.repeat > MAX_REPEAT)
    problems.push(`repeat must be an integer from 1 to ${MAX_REPEAT}`);
  const seen = new Set<string>();
  for (const s of suite.scenarios) {
    if (seen.has(s.id)) problems.push(`scenario "${s.id}" is declared twice`);
    seen.add(s.id);
    if (s.checks.length === 0) problems.push(`scenario "${s.id}" has no checks`);
    for (const c of s.checks) {
      if (c.kind !== 'regex') continue;
      const re = compileLinear(c.pattern, c.flags);
      if (!re.ok) problems.push(`scenario "${s.id}" has an invalid regex: ${re.error}`);
    }
  }
  return problems;
}

/** Every string a holdout scenario contains, for checking that none of it reached a stage. */
export function holdoutStrings(suite: ScenarioSuite): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const s of suite.scenarios) if (s.holdout) walk(s);
  return out;
}
