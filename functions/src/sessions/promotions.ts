/**
 * L3 pattern promotion and L1 workspace rules. A person approves a candidate (a memory reused in at
 * least two sessions) with its critical rules; the rule, the promotion record, the memory's new
 * status and the audit record commit in one transaction.
 */
import type { Firestore } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import type { Actor, Clock } from '../shared/ports.js';
import { auditRefusals, viaOf } from '../missions/audited.js';
import { promote, promotionCandidates, type Memory, type WorkspaceRule } from './core/memory.js';
import {
  getMemoryDoc,
  getSessionDoc,
  memoryRef,
  promotionRef,
  readMemories,
  readRules,
  ruleRef,
  targets,
  type Promotion,
} from './repo.js';
import { newId } from './store.js';

type Deps = { db: Firestore; clock: Clock };

/** The candidates awaiting a decision and the rules already promoted. */
export async function listPromotions(deps: {
  db: Firestore;
}): Promise<{ candidates: Memory[]; promoted: WorkspaceRule[] }> {
  const [memories, rules] = await Promise.all([readMemories(deps.db), readRules(deps.db)]);
  return {
    candidates: promotionCandidates(memories),
    promoted: rules.filter((r) => r.source === 'promotion'),
  };
}

/** A person's approval of a promotion candidate; refusals are audited and write nothing else. */
export async function approvePromotion(
  deps: Deps,
  input: { memoryId: string; criticalRules: string[]; rationale?: string; sessionId?: string; actor: Actor },
): Promise<{ rule: WorkspaceRule; promotion: Promotion }> {
  const { db, clock } = deps;
  const target = targets.memory(input.memoryId);
  const audit = { actor: input.actor, action: 'promotion.approve', target, rationale: input.rationale };
  return auditRefusals(deps, audit, () =>
    db.runTransaction(async (tx) => {
      const memory = await getMemoryDoc(db, input.memoryId, tx);
      if (input.sessionId) await getSessionDoc(db, input.sessionId, tx);
      const now = clock.now();
      const rule = promote(
        memory,
        {
          ruleId: newId('rule'),
          criticalRules: input.criticalRules,
          rationale: input.rationale,
          actor: input.actor,
          sessionId: input.sessionId ?? null,
        },
        now,
      );
      const promotion: Promotion = {
        id: newId('promo'),
        memoryId: memory.id,
        ruleId: rule.id,
        criticalRules: rule.criticalRules,
        rationale: rule.rationale,
        sessionId: rule.sessionId,
        actor: input.actor,
        at: now,
      };
      tx.create(ruleRef(db, rule.id), rule);
      tx.create(promotionRef(db, promotion.id), promotion);
      tx.update(memoryRef(db, memory.id), { status: 'promoted', promotedRuleId: rule.id });
      auditInTransaction(
        db,
        tx,
        {
          actor: input.actor,
          action: 'promotion.approve',
          target,
          outcome: 'ok',
          rationale: input.rationale,
          via: viaOf(input.actor),
          details: { ruleId: rule.id, criticalRules: rule.criticalRules, reuseCount: memory.reuseCount },
        },
        now,
      );
      return { rule, promotion };
    }),
  );
}

/** A rule a person adds directly (for example a failure log's `add_rule` prevention); audited. */
export async function addWorkspaceRule(
  deps: Deps,
  input: { title: string; text: string; criticalRules: string[]; rationale: string; actor: Actor },
): Promise<WorkspaceRule> {
  const { db, clock } = deps;
  return db.runTransaction(async (tx) => {
    const now = clock.now();
    const rule: WorkspaceRule = {
      id: newId('rule'),
      title: input.title,
      text: input.text,
      criticalRules: input.criticalRules,
      source: 'manual',
      memoryId: null,
      approvedBy: input.actor,
      rationale: input.rationale,
      sessionId: null,
      createdAt: now,
    };
    tx.create(ruleRef(db, rule.id), rule);
    auditInTransaction(
      db,
      tx,
      {
        actor: input.actor,
        action: 'rule.add',
        target: targets.rule(rule.id),
        outcome: 'ok',
        rationale: input.rationale,
        via: viaOf(input.actor),
      },
      now,
    );
    return rule;
  });
}

export const listRules = (deps: { db: Firestore }) => readRules(deps.db);
