/**
 * The App Home tab: what waits on the viewer's roles (gates and run decisions for approvers, the
 * breaker for finance, safe mode for operators), the open incidents and the muse's state. Within
 * Slack's 100 blocks per view; longer lists point to the API. Pure.
 */
import { actions, context, divider, header, section, type Block } from './blocks.js';
import { ACTION, gateBlocks, type OpenGate } from './messages.js';
import type { Role } from './settings.js';

export interface HomeView {
  userId: string;
  roles: Role[];
  gates: OpenGate[];
  /** Level 4 runs evaluated and awaiting approve/reject, with their failures still to classify. */
  runs: Array<{ id: string; spec: string; failedScenarios: number }>;
  breaker: { tripped: boolean; reason?: string };
  safeMode: { active: boolean };
  incidents: Array<{ id: string; severity: string; level: number; status: string; summary: string }>;
  muse: { loop: string; available?: string };
  updatedAt: Date;
}

const MAX_BLOCKS = 100;

export function homeView(v: HomeView, baseUrl: string): { type: 'home'; blocks: Block[] } {
  const has = (r: Role) => v.roles.includes(r);
  const waiting: Block[] = [];
  if (has('approver')) {
    for (const g of v.gates.slice(0, 10)) waiting.push(...gateBlocks(g));
    for (const r of v.runs.slice(0, 10))
      waiting.push(
        section(
          `*Run* \`${r.id}\` (${r.spec}) is evaluated and awaits approve or reject${
            r.failedScenarios ? ` · ${r.failedScenarios} failed scenario(s) to classify` : ''
          }`,
        ),
        ...actions(
          [
            {
              text: 'Approve',
              actionId: ACTION.runApprove,
              value: JSON.stringify({ r: r.id }),
              style: 'primary',
            },
            {
              text: 'Reject',
              actionId: ACTION.runReject,
              value: JSON.stringify({ r: r.id }),
              style: 'danger',
            },
          ],
          `home-run-${r.id}`,
        ),
      );
  }
  if (has('finance') && v.breaker.tripped)
    waiting.push(
      section(
        `:rotating_light: *The CFO breaker is tripped*${v.breaker.reason ? `: ${v.breaker.reason}` : ''}`,
      ),
      ...actions(
        [
          {
            text: 'Override',
            actionId: ACTION.breakerOverride,
            value: JSON.stringify({ t: 'home' }),
            style: 'danger',
          },
        ],
        'home-breaker',
      ),
    );
  if (has('operator') && v.safeMode.active)
    waiting.push(
      section(':warning: *Safe mode is on*: production uses the strict template until an operator exits it.'),
      ...actions(
        [{ text: 'Exit safe mode', actionId: ACTION.safeModeExit, value: '{}', style: 'primary' }],
        'home-safemode',
      ),
    );
  const roleText = v.roles.length ? v.roles.join(', ') : 'none (ask an admin to add you in `config/slack`)';
  const incidents = v.incidents
    .slice(0, 15)
    .map((i) => `• \`${i.id}\` ${i.severity} L${i.level} *${i.status}*: ${i.summary}`);
  const blocks: Block[] = [
    header('Waiting on you'),
    context(`Your roles: ${roleText}`),
    ...(waiting.length ? waiting : [section('Nothing waits on your roles right now.')]),
    divider(),
    header(`Open incidents (${v.incidents.length})`),
    section(incidents.length ? incidents.join('\n') : 'None.', `${baseUrl}/v1/incidents?status=open`),
    divider(),
    header('The muse'),
    section(
      [
        `*Loop:* ${v.muse.loop}`,
        `*Breaker:* ${v.breaker.tripped ? ':rotating_light: tripped' : 'armed'}`,
        `*Safe mode:* ${v.safeMode.active ? ':warning: ON' : 'off'}`,
        ...(v.muse.available ? [`*Wallet:* ${v.muse.available} available`] : []),
      ].join('\n'),
    ),
    context(
      `Updated ${v.updatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${baseUrl}/v1/muse/status`,
    ),
  ];
  if (blocks.length > MAX_BLOCKS)
    return {
      type: 'home',
      blocks: [
        ...blocks.slice(0, MAX_BLOCKS - 1),
        context(`_more at ${baseUrl}/v1/runs?status=awaiting_human_`),
      ],
    };
  return { type: 'home', blocks };
}
