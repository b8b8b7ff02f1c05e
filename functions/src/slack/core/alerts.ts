/**
 * Alerts delivered from the Slack outbox: incidents (with Acknowledge / Escalate / Resolve, updated
 * in place as the level rises), the CFO breaker (Override) and safe mode (Exit). Level 3 is a
 * system-wide alert and level 4 an emergency, both with an @channel mention. Pure.
 */
import { actions, context, header, message, section, type Block } from './blocks.js';
import { ACTION } from './messages.js';

export interface IncidentView {
  id: string;
  severity: string;
  summary: string;
  level: number;
  status: string;
  acknowledgedBy?: string;
  resolution?: string;
  why?: string;
}

const LEVEL_BANNER: Record<number, string> = {
  1: ':large_yellow_circle: Level 1 — automated retry and notification',
  2: ':large_orange_circle: Level 2 — agent notification and manual intervention',
  3: ':red_circle: <!channel> SYSTEM-WIDE ALERT — Level 3, manager escalation',
  4: ':rotating_light: <!channel> EMERGENCY — Level 4, emergency procedures and system recovery',
};

export function incidentMessage(i: IncidentView, baseUrl: string) {
  const blocks: Block[] = [
    header(`${i.level >= 4 ? 'EMERGENCY: ' : ''}${i.severity.toUpperCase()} incident ${i.id}`),
    section(`${LEVEL_BANNER[i.level] ?? `Level ${i.level}`}\n*${i.summary}*${i.why ? `\n_${i.why}_` : ''}`),
    context(
      `Status: *${i.status}*${i.acknowledgedBy ? ` · acknowledged by <@${i.acknowledgedBy}>` : ''}${
        i.resolution ? ` · resolved: ${i.resolution}` : ''
      }`,
    ),
  ];
  if (i.status !== 'resolved') {
    const value = JSON.stringify({ i: i.id, l: i.level });
    blocks.push(
      ...actions(
        [
          ...(i.status === 'open'
            ? [{ text: 'Acknowledge', actionId: ACTION.incidentAck, value, style: 'primary' as const }]
            : []),
          ...(i.level < 4
            ? [{ text: 'Escalate', actionId: ACTION.incidentEscalate, value, style: 'danger' as const }]
            : []),
          { text: 'Resolve', actionId: ACTION.incidentResolve, value },
        ],
        `incident-${i.id}-L${i.level}`,
      ),
    );
  }
  const text = `[${i.severity}] Level ${i.level}${i.level === 3 ? ' SYSTEM-WIDE ALERT' : i.level === 4 ? ' EMERGENCY' : ''}: ${i.summary} (${i.status})`;
  return message(text, blocks, `${baseUrl}/v1/incidents/${i.id}`);
}

export function breakerMessage(
  b: { text: string; trip: string; overridden?: { by: string; rationale: string } },
  baseUrl: string,
) {
  const blocks: Block[] = [header(':rotating_light: CFO circuit breaker tripped'), section(b.text)];
  if (b.overridden)
    blocks.push(context(`:unlock: Overridden by <@${b.overridden.by}>: ${b.overridden.rationale}`));
  else
    blocks.push(
      ...actions(
        [
          {
            text: 'Override',
            actionId: ACTION.breakerOverride,
            value: JSON.stringify({ t: b.trip }),
            style: 'danger',
          },
        ],
        `breaker-${b.trip}`,
      ),
      context('Override needs the *finance* role and a rationale.'),
    );
  return message(b.text, blocks, `${baseUrl}/v1/muse/wallet`);
}

export function safeModeMessage(
  s: { text: string; entered: boolean; exited?: { by: string; rationale: string } },
  baseUrl: string,
) {
  const blocks: Block[] = [
    header(s.entered ? ':warning: Safe mode entered' : 'Safe mode exited'),
    section(s.text),
  ];
  if (s.exited) blocks.push(context(`:white_check_mark: Exited by <@${s.exited.by}>: ${s.exited.rationale}`));
  else if (s.entered)
    blocks.push(
      ...actions(
        [{ text: 'Exit safe mode', actionId: ACTION.safeModeExit, value: '{}', style: 'primary' }],
        'safemode',
      ),
      context('Exit needs the *operator* role and a rationale.'),
    );
  return message(s.text, blocks, `${baseUrl}/v1/muse/status`);
}

/** Any other outbox entry (reports, notices): its text, cut to the limits, with its reference. */
export function plainAlert(text: string, ref: { type: string; id: string }, baseUrl: string) {
  return message(
    text,
    [section(text, `${baseUrl}/v1`), context(`${ref.type} \`${ref.id}\``)],
    `${baseUrl}/v1`,
  );
}
