/**
 * Guards: the banned-import scan over files handed in (API) or read from disk (scripts/guard.ts),
 * CI guard results reported by CI through the API, and compliance rates per guard over a period.
 */
import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { kickSlackOutbox } from '../notify/slack-outbox.js';
import { auditInTransaction } from '../platform/audit.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import { describeIssues, invalidInput } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import {
  DEFAULT_RULE_SET,
  parseRuleSet,
  ruleSetSchema,
  scanFiles,
  type RuleSet,
  type Violation,
} from './core/guard-rules.js';
import { guardCompliance } from './core/metrics.js';
import { alertBannedImports, alertGuardFailure } from './alerts.js';
import { guardResultsBetween, newGuardResultRef, recentGuardResults, targets } from './repo.js';

/** Resolves a rule set given as JSON text, an object, or nothing (the default set). */
export function resolveRuleSet(rules: unknown): RuleSet {
  if (rules === undefined || rules === null) return DEFAULT_RULE_SET;
  if (typeof rules === 'string') {
    const r = parseRuleSet(rules);
    if (!r.ok) throw invalidInput(`rule set does not parse: ${r.errors.join('; ')}`, { errors: r.errors });
    return r.ruleSet;
  }
  const parsed = ruleSetSchema.safeParse(rules);
  if (!parsed.success)
    throw invalidInput(`rule set does not parse: ${describeIssues(parsed.error.issues).join('; ')}`);
  return parsed.data;
}

/** Delivery-now for alerts: the outbox kick after a commit. */
type AlertDeps = { db: Firestore; clock: Clock; bus: Bus; log: Logger };

/** The banned-import scan over files given inline. Pure: `scanAndAlert` is the API's use case. */
export function scanForBannedImports(input: {
  files: Array<{ path: string; content: string }>;
  rules?: unknown;
}): {
  violations: Violation[];
  filesScanned: number;
} {
  const ruleSet = resolveRuleSet(input.rules);
  return { violations: scanFiles(input.files, ruleSet), filesScanned: input.files.length };
}

/** The API's scan: violations found are an alert to people (once per distinct set of findings). */
export async function scanAndAlert(
  deps: AlertDeps,
  input: { files: Array<{ path: string; content: string }>; rules?: unknown },
  actor: Actor,
): Promise<{ violations: Violation[]; filesScanned: number; alert?: string }> {
  const r = scanForBannedImports(input);
  if (!r.violations.length) return r;
  const alert = await alertBannedImports(deps.db, r.violations, actor, deps.clock.now());
  if (alert.created) await kickSlackOutbox(deps);
  return { ...r, alert: alert.id };
}

export const guardResultSchema = z.object({
  guard: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lowercase name, e.g. dev-mcp-ban'),
  status: z.enum(['pass', 'fail', 'error']),
  details: z.string().max(20_000).default(''),
  commit: z.string().max(64).optional(),
  ref: z.string().max(200).optional(),
});

/** Records a CI guard result; a failing one (`fail` or `error`) is an alert to people, in the same commit. */
export async function reportGuardResult(deps: AlertDeps, raw: unknown, actor: Actor) {
  const parsed = guardResultSchema.safeParse(raw);
  if (!parsed.success)
    throw invalidInput(`guard result refused: ${describeIssues(parsed.error.issues).join('; ')}`);
  const at = deps.clock.now();
  const ref = newGuardResultRef(deps.db);
  await deps.db.runTransaction(async (tx) => {
    tx.create(ref, { ...parsed.data, at, reportedBy: actor });
    if (parsed.data.status === 'pass') return;
    alertGuardFailure(deps.db, tx, ref.id, parsed.data, at);
    auditInTransaction(
      deps.db,
      tx,
      {
        actor,
        action: 'guard.report',
        target: targets.guardResult(ref.id),
        outcome: 'ok',
        rationale: `${parsed.data.guard} ${parsed.data.status}`,
        via: 'api',
      },
      at,
    );
  });
  if (parsed.data.status !== 'pass') await kickSlackOutbox(deps);
  return { id: ref.id, ...parsed.data, at };
}

/** Compliance per guard over [from, to). */
export async function guardComplianceReport(deps: { db: Firestore }, input: { from: Date; to: Date }) {
  if (!(input.from < input.to)) throw invalidInput('from must be before to');
  const results = await guardResultsBetween(deps.db, input.from, input.to);
  return { from: input.from, to: input.to, results: results.length, ...guardCompliance(results) };
}

export interface LatestGuardResult {
  guard: string;
  status: 'pass' | 'fail' | 'error';
  at: Date;
  commit?: string;
}

/** The most recent CI result of each guard (from the last 500 reported), guard names sorted. */
export async function latestGuardResults(db: Firestore): Promise<LatestGuardResult[]> {
  const latest = new Map<string, LatestGuardResult>();
  for (const r of await recentGuardResults(db, 500)) {
    if (!latest.has(r.guard))
      latest.set(r.guard, {
        guard: r.guard,
        status: r.status,
        at: r.at,
        ...(r.commit ? { commit: r.commit } : {}),
      });
  }
  return [...latest.values()].sort((a, b) => a.guard.localeCompare(b.guard));
}
