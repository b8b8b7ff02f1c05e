/**
 * Reads `config/slack` (channels and roles), cached per container for a few seconds: the ack path
 * must not wait on Firestore for every click, and a role change should still apply within moments.
 * Also resolves Slack user-group membership (usergroups.users.list), cached the same way.
 */
import type { webApi } from '@slack/bolt';
import type { Container } from '../platform/container.js';
import { AppError } from '../shared/errors.js';
import { holdsRole, slackSettingsSchema, type Role, type SlackSettings } from './core/settings.js';

export const SETTINGS_DOC = { collection: 'config', id: 'slack' } as const;
const TTL_MS = 10_000;

const cache = new WeakMap<Container, { at: number; value: Promise<SlackSettings> }>();
const groups = new WeakMap<Container, Map<string, { at: number; value: Promise<string[]> }>>();

export function loadSettings(app: Container): Promise<SlackSettings> {
  const hit = cache.get(app);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = app.db
    .collection(SETTINGS_DOC.collection)
    .doc(SETTINGS_DOC.id)
    .get()
    .then((snap) => {
      const parsed = slackSettingsSchema.safeParse(snap.data() ?? {});
      if (!parsed.success) throw new AppError('internal', `config/slack is invalid: ${parsed.error.message}`);
      return parsed.data;
    });
  value.catch(() => cache.delete(app));
  cache.set(app, { at: Date.now(), value });
  return value;
}

/** Drops the cached settings (after an admin writes them, and between tests). */
export function forgetSettings(app: Container): void {
  cache.delete(app);
  groups.delete(app);
}

async function groupMembers(app: Container, web: webApi.WebClient, group: string): Promise<string[]> {
  let m = groups.get(app);
  if (!m) groups.set(app, (m = new Map()));
  const hit = m.get(group);
  if (hit && Date.now() - hit.at < TTL_MS * 6) return hit.value;
  const value = web.usergroups.users.list({ usergroup: group }).then((r) => r.users ?? []);
  value.catch(() => m.delete(group));
  m.set(group, { at: Date.now(), value });
  return value;
}

/** Whether the user holds the role, directly or through one of the role's user groups. */
export async function userHasRole(
  app: Container,
  web: webApi.WebClient,
  role: Role,
  userId: string,
): Promise<boolean> {
  const settings = await loadSettings(app);
  if (holdsRole(settings, role, userId, [])) return true;
  for (const g of settings.roles[role].groups) {
    if ((await groupMembers(app, web, g)).includes(userId)) return true;
  }
  return false;
}
