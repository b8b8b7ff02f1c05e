/**
 * Compact Block Kit for the command's answers: status, wallet, gates, a Level 4 run, missions.
 * Short lines and at most five buttons a row, so they read well on a phone. Pure: callers pass
 * plain data read by the use cases.
 */
import { healthLine, type SourceHealth } from '../../muse/trends/core/source-health.js';
import {
  actions,
  context,
  cut,
  divider,
  header,
  image,
  message,
  section,
  sections,
  type Block,
} from './blocks.js';

export const ACTION = Object.freeze({
  gatePick: 'gate.pick',
  runApprove: 'run.approve',
  runReject: 'run.reject',
  incidentAck: 'incident.ack',
  incidentEscalate: 'incident.escalate',
  incidentResolve: 'incident.resolve',
  breakerOverride: 'breaker.override',
  safeModeExit: 'safemode.exit',
  classify: 'run.classify',
});

export interface OpenGate {
  runId: string;
  workflow: string;
  stepId: string;
  edges: string[];
  context: Record<string, unknown>;
}

export interface GateDecisionView {
  edge: string;
  rationale: string;
  deciderId: string;
}

const json = (v: unknown, max = 600) => {
  const s = JSON.stringify(v ?? {});
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};
const money = (n: unknown, cur = '') =>
  typeof n === 'number' ? `${n.toFixed(2)}${cur ? ` ${cur}` : ''}` : '—';
const who = (id: string) => (/^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : id);

/** Blocks for one gate: what it is about and a button per edge, or the decision once made. */
export function gateBlocks(g: OpenGate, decided?: GateDecisionView): Block[] {
  const head = section(
    `*Gate* \`${g.stepId}\` · run \`${g.runId}\` (${g.workflow})\n${'```'}${json(g.context)}${'```'}`,
  );
  if (decided)
    return [
      head,
      context(`:white_check_mark: ${who(decided.deciderId)} chose *${decided.edge}*: ${decided.rationale}`),
    ];
  return [
    head,
    ...actions(
      g.edges.map((e) => ({
        text: e,
        actionId: ACTION.gatePick,
        value: JSON.stringify({ r: g.runId, s: g.stepId, e }),
      })),
      `gate-${g.runId}-${g.stepId}`,
    ),
  ];
}

export function gatesMessage(gates: OpenGate[], baseUrl: string) {
  if (!gates.length)
    return message('No run is waiting for a person.', [section('No run is waiting for a person.')], '');
  const blocks: Block[] = [header(`${gates.length} gate(s) waiting`)];
  for (const g of gates) blocks.push(...gateBlocks(g), divider());
  return message(`${gates.length} gate(s) waiting`, blocks, `${baseUrl}/v1/runs?status=awaiting_human`);
}

/** A staged asset as Slack shows it: its first frame and clip by signed URL (issue 16). */
export interface AssetPreview {
  id: string;
  topic: string;
  frames: number;
  firstFrameUrl?: string;
  clipUrl?: string;
}

/** A line naming the asset with links to its first frame and clip, and an image block of the frame. */
export function assetBlocks(a: AssetPreview, baseUrl: string): Block[] {
  const links = [
    `<${baseUrl}/v1/muse/assets/${encodeURIComponent(a.id)}|asset \`${a.id}\`>`,
    a.firstFrameUrl ? `<${a.firstFrameUrl}|first frame>` : '',
    a.clipUrl ? `<${a.clipUrl}|clip>` : '',
  ].filter(Boolean);
  return [
    context(`${a.topic} · ${a.frames} frame(s) · ${links.join(' · ')}`),
    ...(a.firstFrameUrl ? [image(a.firstFrameUrl, `First frame of "${a.topic}"`)] : []),
  ];
}

export interface StatusView {
  /** The newest staged asset, when there is one. */
  latestAsset?: AssetPreview;
  status: Record<string, unknown>;
  wallet?: { balance: number; reserved: number; available: number; currency: string };
  gates: OpenGate[];
  incidents: Array<{ id: string; severity: string; level: number; status: string; summary: string }>;
}

export function statusMessage(v: StatusView, baseUrl: string) {
  const s = v.status as {
    loop?: { state?: string; reason?: string };
    breaker?: { tripped?: boolean; reason?: string };
    safeMode?: { active?: boolean; consecutiveRejections?: number };
    wallet?: { burnRatePerHour?: number };
    trendSources?: SourceHealth[];
    trendSettings?: { sources?: { ok: boolean; error?: string }; tick?: { ok: boolean; error?: string } };
  };
  const w = v.wallet;
  const settingsError = [s.trendSettings?.sources?.error, s.trendSettings?.tick?.error].filter(Boolean);
  const lines = [
    `*Loop:* ${s.loop?.state ?? 'running'}${s.loop?.reason ? ` — ${s.loop.reason}` : ''}`,
    `*Wallet:* ${w ? `${money(w.available, w.currency)} available (${money(w.balance)} balance, ${money(w.reserved)} reserved)` : '—'}${
      typeof s.wallet?.burnRatePerHour === 'number' ? ` · burn ${money(s.wallet.burnRatePerHour)}/h` : ''
    }`,
    `*Breaker:* ${s.breaker?.tripped ? `:rotating_light: tripped — ${s.breaker.reason ?? ''}` : 'armed'}`,
    `*Safe mode:* ${s.safeMode?.active ? ':warning: ON' : 'off'} (${s.safeMode?.consecutiveRejections ?? 0} consecutive rejections)`,
    `*Open gates:* ${v.gates.length}${
      v.gates.length
        ? ` — ${v.gates
            .slice(0, 5)
            .map((g) => `\`${g.runId}\``)
            .join(', ')}`
        : ''
    }`,
    `*Open incidents:* ${v.incidents.length}`,
    `*Trend sources:* ${settingsError.length ? `:warning: ${settingsError.join('; ')}` : healthLine(s.trendSources ?? [])}`,
    ...(v.latestAsset
      ? [
          `*Latest asset:* <${baseUrl}/v1/muse/assets/${encodeURIComponent(v.latestAsset.id)}|${v.latestAsset.topic}>${
            v.latestAsset.firstFrameUrl ? ` · <${v.latestAsset.firstFrameUrl}|first frame>` : ''
          }${v.latestAsset.clipUrl ? ` · <${v.latestAsset.clipUrl}|clip>` : ''}`,
        ]
      : []),
  ];
  const inc = v.incidents.map((i) => `• \`${i.id}\` ${i.severity} L${i.level} ${i.status}: ${i.summary}`);
  return message(
    lines.join('\n'),
    [
      header('Muse status'),
      section(lines.join('\n')),
      ...sections(inc, `${baseUrl}/v1/incidents?status=open`, 10),
    ],
    `${baseUrl}/v1/muse/status`,
  );
}

/** A ledger entry as the wallet reply lists it. */
export interface LedgerLine {
  key: string;
  type: string;
  amount: number;
  at: string;
  actor?: { id: string; name?: string };
  rationale?: string;
  note?: string;
}

const SIGN: Record<string, string> = { credit: '+', debit: '−', reserve: 'hold ', release: 'free ' };

function ledgerLine(e: LedgerLine, cur: string): string {
  const by = e.actor ? ` · ${e.actor.name ?? who(e.actor.id)}` : '';
  const why = e.rationale ?? e.note;
  const line = `\`${SIGN[e.type] ?? ''}${money(e.amount, cur)}\` ${e.type} \`${e.key}\`${by} · ${e.at.slice(0, 16).replace('T', ' ')}`;
  return cut(why ? `${line} — ${why}` : line, 280);
}

export function walletMessage(
  w: { balance: number; reserved: number; available: number; currency: string },
  burn?: number,
  entries: LedgerLine[] = [],
) {
  const text = `*Balance:* ${money(w.balance, w.currency)}\n*Reserved:* ${money(w.reserved, w.currency)}\n*Available:* ${money(
    w.available,
    w.currency,
  )}\n*Burn rate:* ${burn === undefined ? '—' : `${money(burn, w.currency)}/h`}`;
  const blocks = [header('Wallet'), section(text)];
  if (entries.length)
    blocks.push(
      section(
        `*Last entries*\n${entries.map((e) => ledgerLine(e, w.currency)).join('\n')}`,
        '/v1/muse/ledger',
      ),
    );
  return message(text, blocks, '');
}

export interface RunView {
  id: string;
  state: string;
  spec: string;
  suite: string;
  stages: Record<string, { status: string }>;
  report?: {
    summary?: Record<string, unknown>;
    scenarios?: Array<{ id: string; passed?: boolean; status?: string }>;
  } | null;
  /** The decision policy's answer for approval, when the run is being evaluated. */
  policy?: { rejectReasons: string[]; approveBlockers: string[] };
  decision?: { decision: string; rationale: string; decidedBy: { id: string }; reasons: string[] };
}

export function runMessage(r: RunView, baseUrl: string) {
  const more = `${baseUrl}/v1/pipeline-runs/${r.id}/handoff`;
  const stageLines = Object.entries(r.stages).map(([id, s]) => `• ${id}: ${s.status}`);
  const s = r.report?.summary ?? {};
  const scen = (r.report?.scenarios ?? []).map(
    (x) =>
      `• ${x.id}: ${x.passed === false || x.status === 'failed' ? ':x: failed' : ':white_check_mark: passed'}`,
  );
  const blocks: Block[] = [
    header(`Run ${r.id}`),
    section(`*State:* ${r.state}\n*Spec:* ${r.spec} · *Suite:* ${r.suite}`),
    ...sections(['*Stages*', ...stageLines], more, 5),
    section(r.report ? `*Scenario report:* ${json(s, 800)}` : '*Scenario report:* not evaluated yet'),
    ...sections(scen, more, 5),
  ];
  if (r.decision)
    blocks.push(
      section(
        `*Decision:* ${r.decision.decision} by ${who(r.decision.decidedBy.id)} — ${r.decision.rationale}`,
      ),
      ...sections(
        r.decision.reasons.map((x) => `• ${x}`),
        more,
        3,
      ),
    );
  else if (r.policy) {
    const blockers = [...r.policy.rejectReasons, ...r.policy.approveBlockers];
    blocks.push(
      section(
        blockers.length
          ? `*Policy:* approval blocked:\n${blockers.map((b) => `• ${b}`).join('\n')}`
          : '*Policy:* approvable once you state the user-visible outcome',
      ),
      ...actions(
        [
          {
            text: 'Approve',
            actionId: ACTION.runApprove,
            value: JSON.stringify({ r: r.id }),
            style: 'primary',
          },
          { text: 'Reject', actionId: ACTION.runReject, value: JSON.stringify({ r: r.id }), style: 'danger' },
        ],
        `run-${r.id}`,
      ),
    );
  }
  return message(`Run ${r.id}: ${r.state}`, blocks, more);
}

export function missionsMessage(
  missions: Array<{ id: string; title?: string; status: string }>,
  next: { id: string } | null,
  baseUrl: string,
) {
  const lines = missions.map((m) => `• \`${m.id}\` *${m.status}* ${m.title ?? ''}`);
  return message(
    `${missions.length} mission(s)`,
    [
      header('Missions'),
      section(next ? `*Next:* \`${next.id}\`` : '*Next:* none eligible'),
      ...sections(lines.length ? lines : ['(empty backlog)'], `${baseUrl}/v1/missions`, 30),
    ],
    `${baseUrl}/v1/missions`,
  );
}

/** A one-line answer (confirmations, refusals, usage). */
export function notice(text: string) {
  return message(text, [section(text)], '');
}
