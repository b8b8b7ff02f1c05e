/**
 * Reads `config/slack` (channels and roles) on every request, so a role change applies to the next
 * one (a single document read on the ack path).
 * Also resolves Slack user-group membership (usergroups.users.list), cached for a minute.
 */
import type { webApi } from '@slack/bolt';
import type { Container } from '../platform/container.js';
import { AppError } from '../shared/errors.js';
import { holdsRole, slackSettingsSchema, type Role, type SlackSettings } from './core/settings.js';

export const SETTINGS_DOC = { collection: 'config', id: 'slack' } as const;
const TTL_MS = 10_000;
/** No caching of config/slack: a role change applies to the next request. */
const SETTINGS_TTL_MS = 0;

const cache = new WeakMap<Container, { at: number; value: Promise<SlackSettings> }>();
const groups = new WeakMap<Container, Map<string, { at: number; value: Promise<string[]> }>>();

export function loadSettings(app: Container): Promise<SlackSettings> {
  // Roles and channels are read on every request (one document read), so a role an admin removes
  // stops working on the very next click, on every instance.
  const hit = cache.get(app);
  if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.value;
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
