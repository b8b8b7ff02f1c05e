/**
 * `config/slack` (channels and roles): the Slack app's settings document, read on every request so
 * a role an admin removes stops working on the very next click, on every instance (one document
 * read on the ack path). A stored document that fails to parse is an error naming the field
 * (platform/settings.ts), never the defaults. Also resolves Slack user-group membership
 * (usergroups.users.list), cached for a minute per Slack system.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { webApi } from '@slack/bolt';
import { auditInTransaction } from '../platform/audit.js';
import { loadSettings, parseSettings, settingsRef, type SettingsSpec } from '../platform/settings.js';
import { invalidInput } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { holdsRole, slackSettingsSchema, type Role, type SlackSettings } from './core/settings.js';

export const SLACK_SETTINGS: SettingsSpec<SlackSettings> = {
  path: 'config/slack',
  schema: slackSettingsSchema,
  defaults: {
    channels: {},
    roles: {
      approver: { users: [], groups: [] },
      finance: { users: [], groups: [] },
      operator: { users: [], groups: [] },
      manager: { users: [], groups: [] },
    },
  },
};

export function loadSlackSettings(db: Firestore): Promise<SlackSettings> {
  return loadSettings(db, SLACK_SETTINGS);
}

/** The document as an admin reads it back: the settings, and who changed them last, when. */
export async function readSlackSettings(
  db: Firestore,
): Promise<SlackSettings & { updatedAt?: string; updatedBy?: string }> {
  const r = parseSettings(SLACK_SETTINGS, await settingsRef(db, SLACK_SETTINGS).get());
  // Reading it back is how an admin sees what to fix: the error names the field.
  if (!r.ok) throw invalidInput(`${r.error}; PUT a corrected document`);
  const value = r.value;
  // Stored as the actor's id (a string), as it always was.
  const by = r.updatedBy as unknown;
  return {
    ...value,
    ...(r.updatedAt instanceof Date ? { updatedAt: r.updatedAt.toISOString() } : {}),
    ...(typeof by === 'string' ? { updatedBy: by } : {}),
  };
}

/** Replaces the document with an audit record in the same transaction. */
export async function writeSlackSettings(
  deps: { db: Firestore; clock: Clock },
  input: { value: SlackSettings; rationale: string },
  actor: Actor,
): Promise<SlackSettings> {
  const { db } = deps;
  const now = deps.clock.now();
  const ref = settingsRef(db, SLACK_SETTINGS);
  const { value } = input;
  await db.runTransaction(async (tx) => {
    const before = (await tx.get(ref)).data();
    tx.set(ref, { ...value, updatedAt: now, updatedBy: actor.id });
    auditInTransaction(
      db,
      tx,
      {
        actor,
        action: 'settings.slack.update',
        target: SLACK_SETTINGS.path,
        outcome: 'ok',
        rationale: input.rationale,
        via: 'api',
        details: { before: { channels: before?.channels ?? {}, roles: before?.roles ?? {} }, after: value },
      },
      now,
    );
  });
  return value;
}

const GROUP_TTL_MS = 60_000;

/** Role checks for one Slack system: `config/slack` read each time, group members for a minute. */
export function createRoleCheck(db: Firestore) {
  let groups = new Map<string, { at: number; value: Promise<string[]> }>();

  function groupMembers(web: webApi.WebClient, group: string): Promise<string[]> {
    const hit = groups.get(group);
    if (hit && Date.now() - hit.at < GROUP_TTL_MS) return hit.value;
    const value = web.usergroups.users.list({ usergroup: group }).then((r) => r.users ?? []);
    value.catch(() => groups.delete(group));
    groups.set(group, { at: Date.now(), value });
    return value;
  }

  return {
    /** Whether the user holds the role, directly or through one of the role's user groups. */
    async userHasRole(web: webApi.WebClient, role: Role, userId: string): Promise<boolean> {
      const settings = await loadSlackSettings(db);
      if (holdsRole(settings, role, userId, [])) return true;
      for (const g of settings.roles[role].groups) {
        if ((await groupMembers(web, g)).includes(userId)) return true;
      }
      return false;
    },
    /** Drops the cached group members (after an admin changes the settings, and between tests). */
    forget(): void {
      groups = new Map();
    },
  };
}

export type RoleCheck = ReturnType<typeof createRoleCheck>;
