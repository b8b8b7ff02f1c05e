/**
 * The Slack app's settings, kept in Firestore at `config/slack` so an admin changes channels and
 * roles without a deploy:
 *
 *   { channels: { incidents: 'C…', 'alerts-all': 'C…', emergency: 'C…', finance: 'C…',
 *                 operators: 'C…', reports: 'C…', gates: 'C…', runs: 'C…', default?: 'C…' },
 *     roles: { approver: { users: ['U…'], groups: ['S…'] }, finance: …, operator: …, manager: … } }
 *
 * Pure: the schema, role policy (which action needs which role) and channel lookup.
 */
import { z } from 'zod';

export const ROLES = ['approver', 'finance', 'operator', 'manager'] as const;
export type Role = (typeof ROLES)[number];

const members = z
  .object({ users: z.array(z.string()).default([]), groups: z.array(z.string()).default([]) })
  .default({ users: [], groups: [] });

export const slackSettingsSchema = z.object({
  channels: z.record(z.string(), z.string().min(1)).default({}),
  roles: z.object({ approver: members, finance: members, operator: members, manager: members }).default({
    approver: { users: [], groups: [] },
    finance: { users: [], groups: [] },
    operator: { users: [], groups: [] },
    manager: { users: [], groups: [] },
  }),
});

export type SlackSettings = z.infer<typeof slackSettingsSchema>;

/** What each guarded action needs. Actions not listed are open to everyone in the workspace. */
export const ROLE_FOR: Readonly<Record<string, Role>> = Object.freeze({
  gate: 'approver',
  approve: 'approver',
  reject: 'approver',
  'breaker.override': 'finance',
  'safemode.exit': 'operator',
  /** Spends money on demand: the people who run the loop. */
  produce: 'operator',
  'incident.escalate': 'manager',
  audit: 'operator',
});

/** The channel id for an outbox channel key, falling back to `default` when the key is absent. */
export function channelFor(settings: SlackSettings, key: string): string | undefined {
  return settings.channels[key] ?? settings.channels.default;
}

/** Whether a user holds a role, given the user groups they are known to be in. */
export function holdsRole(
  settings: SlackSettings,
  role: Role,
  userId: string,
  groupsOfUser: readonly string[],
) {
  const m = settings.roles[role];
  return m.users.includes(userId) || m.groups.some((g) => groupsOfUser.includes(g));
}

/** The ephemeral refusal, naming the role (SPEC: "a person without the role gets an ephemeral refusal"). */
export function roleRefusalText(role: Role, what: string): string {
  return `:no_entry: \`${what}\` needs the *${role}* role, which you do not have. Ask an admin to add you to it in \`config/slack\`. This attempt was recorded.`;
}
