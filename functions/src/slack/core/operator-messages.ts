/** `/muse roles` and `/muse audit`: who holds which role, and the audit trail of a thing or a person. Pure. */
import { header, message, sections } from './blocks.js';
import { ROLES, type SlackSettings } from './settings.js';

export function rolesMessage(s: SlackSettings, baseUrl: string) {
  const lines = ROLES.map((r) => {
    const m = s.roles[r];
    const who = [...m.users.map((u) => `<@${u}>`), ...m.groups.map((g) => `<!subteam^${g}>`)];
    return `*${r}*: ${who.length ? who.join(', ') : '_nobody_'}`;
  });
  const channels = Object.entries(s.channels).map(([k, c]) => `\`${k}\` → <#${c}>`);
  return message(
    `Roles: ${ROLES.map((r) => `${r} ${s.roles[r].users.length + s.roles[r].groups.length}`).join(', ')}`,
    [
      header('Roles'),
      ...sections(lines, `${baseUrl}/v1/settings/slack`, 5),
      header('Channels'),
      ...sections(channels.length ? channels : ['_none configured_'], `${baseUrl}/v1/settings/slack`, 5),
    ],
    `${baseUrl}/v1/settings/slack`,
  );
}

export interface AuditLine {
  at: string;
  actor: { id: string; name?: string };
  action: string;
  target: string;
  outcome: string;
  rationale?: string;
  reason?: string;
}

export function auditMessage(subject: string, records: AuditLine[], baseUrl: string) {
  const more = `${baseUrl}/v1/audit`;
  if (!records.length)
    return message(
      `No audit records for ${subject}.`,
      sections([`No audit records for \`${subject}\`.`], more),
      more,
    );
  const lines = records.map((r) => {
    const who = r.actor.id.startsWith('U') ? `<@${r.actor.id}>` : `\`${r.actor.name ?? r.actor.id}\``;
    const why = r.rationale ? ` — “${r.rationale}”` : r.reason ? ` — ${r.reason}` : '';
    return `${r.at.slice(0, 16).replace('T', ' ')} ${who} *${r.action}* ${r.outcome === 'ok' ? '' : '(refused) '}\`${r.target}\`${why}`;
  });
  return message(
    `Audit of ${subject}: ${records.length} records`,
    [header(`Audit: ${subject}`), ...sections(lines, more)],
    more,
  );
}
