/**
 * Operator work without a database console: API keys (issue, list, revoke), the audit trail, and
 * the Slack settings (channels and roles), which the Slack system owns and operators change.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { Scope } from '../platform/http/route.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { SlackSettings } from '../slack/core/settings.js';
import { issueApiKey, listApiKeys, revokeApiKey, type ApiKeyView } from './api-keys.js';
import { auditOfSubject, queryAudit, type AuditQuery, type AuditRecord } from './audit-trail.js';

export interface OperatorsDeps {
  db: Firestore;
  clock: Clock;
  /** The API-key pepper (a secret: throws when it is not configured). */
  apiKeyPepper: () => string;
  /** `config/slack`, through the Slack system. */
  slackSettings: {
    read(): Promise<SlackSettings & { updatedAt?: string; updatedBy?: string }>;
    write(input: { value: SlackSettings; rationale: string }, actor: Actor): Promise<SlackSettings>;
  };
}

export interface Operators {
  listApiKeys(): Promise<ApiKeyView[]>;
  issueApiKey(input: {
    name: string;
    scopes: Scope[];
    actor: Actor;
    rationale: string;
  }): Promise<{ key: string; id: string; name: string; scopes: Scope[] }>;
  revokeApiKey(input: { id: string; actor: Actor; rationale: string }): Promise<ApiKeyView>;
  queryAudit(q: AuditQuery): Promise<{ records: AuditRecord[]; next: string | null }>;
  auditOfSubject(subject: string, limit?: number): Promise<AuditRecord[]>;
  readSlackSettings: OperatorsDeps['slackSettings']['read'];
  writeSlackSettings: OperatorsDeps['slackSettings']['write'];
}

export function createOperators(deps: OperatorsDeps): Operators {
  const { db, clock } = deps;
  return {
    listApiKeys: () => listApiKeys(db),
    issueApiKey: (input) =>
      issueApiKey(db, deps.apiKeyPepper(), { ...input, scopes: [...new Set(input.scopes)] }, clock.now()),
    revokeApiKey: (input) => revokeApiKey(db, input, clock.now()),
    queryAudit: (q) => queryAudit(db, q),
    auditOfSubject: (subject, limit) => auditOfSubject(db, subject, limit),
    readSlackSettings: () => deps.slackSettings.read(),
    writeSlackSettings: (input, actor) => deps.slackSettings.write(input, actor),
  };
}
