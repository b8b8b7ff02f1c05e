/**
 * Pushed decisions, as Slack shows them: the line that says who decided what, when and why (the
 * buttons go), a failed scenario waiting for its classification, and the reminders of a decision
 * left waiting (in the message's thread, then with the manager role mentioned). Pure.
 */
import { actions, context, header, message, section, type Block } from './blocks.js';
import { ACTION } from './messages.js';
import type { SlackSettings } from './settings.js';

/** A decision as the outbox's `decided` entry carries it (notify/slack-outbox.ts). */
export interface DecidedView {
  by: string;
  what: string;
  why?: string;
  /** ISO time. */
  at: string;
}

const who = (id: string) => (/^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : id);

/** "12:04 UTC, 2026-12-01": unambiguous for a team spread over time zones. */
function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(11, 16)} UTC, ${d.toISOString().slice(0, 10)}`;
}

export function decidedLine(d: DecidedView): string {
  return `:white_check_mark: ${who(d.by)} decided *${d.what}* at ${when(d.at)}${d.why ? `: ${d.why}` : ''}`;
}

/**
 * Any message once its decision is made: its buttons and the "needs the … role" hints removed, and
 * the decision appended. Used for kinds that have no decided rendering of their own.
 */
export function withDecision(
  m: { text: string; blocks?: Block[] },
  d: DecidedView,
): { text: string; blocks: Block[] } {
  const kept = (m.blocks ?? []).filter(
    (b) => b.type !== 'actions' && !(b.type === 'context' && JSON.stringify(b).includes('needs the')),
  );
  return message(`${m.text} (decided: ${d.what})`, [...kept, context(decidedLine(d))], '');
}

export const CATEGORY_LABELS: Readonly<Record<string, string>> = Object.freeze({
  spec_ambiguity: 'Spec ambiguity',
  implementation_defect: 'Implementation defect',
  environment_issue: 'Environment issue',
});

export interface ClassificationView {
  runId: string;
  spec: string;
  scenarioId: string;
  title: string;
  critical: boolean;
  holdout: boolean;
}

/** A failed scenario waiting for a person to say what kind of failure it is. */
export function classificationMessage(c: ClassificationView, baseUrl: string, decided?: DecidedView) {
  const tags = [c.critical ? 'critical' : '', c.holdout ? 'holdout' : ''].filter(Boolean).join(', ');
  const blocks: Block[] = [
    header(`Scenario failed: classify it`),
    section(
      `Run \`${c.runId}\` (${c.spec}) · scenario *${c.scenarioId}*${tags ? ` (${tags})` : ''}\n${c.title}\nApproval is blocked until the failure is understood.`,
    ),
  ];
  if (decided) blocks.push(context(decidedLine(decided)));
  else
    blocks.push(
      ...actions(
        Object.entries(CATEGORY_LABELS).map(([category, text]) => ({
          text,
          actionId: ACTION.classify,
          value: JSON.stringify({ r: c.runId, t: c.scenarioId, c: category }),
        })),
        `classify-${c.runId}-${c.scenarioId}`,
      ),
      context('Classifying needs the *approver* role and a note.'),
    );
  return message(
    `Run ${c.runId}: scenario ${c.scenarioId} failed; classify it`,
    blocks,
    `${baseUrl}/v1/pipeline-runs/${c.runId}`,
  );
}

/** Mentions of the manager role: its users and its user groups, as Slack writes them. */
export function managerMentions(settings: SlackSettings): string {
  const m = settings.roles.manager;
  return [...m.users.map((u) => `<@${u}>`), ...m.groups.map((g) => `<!subteam^${g}>`)].join(' ');
}

/** The thread reply of a decision left waiting: a reminder, then the manager role called in. */
export function reminderText(
  stage: 'reminder' | 'manager',
  waitedMinutes: number,
  about: string,
  mentions: string,
): string {
  const waited = waitedMinutes >= 120 ? `${Math.round(waitedMinutes / 60)} h` : `${waitedMinutes} min`;
  if (stage === 'reminder')
    return `:hourglass_flowing_sand: Reminder: this decision has waited ${waited}. ${about}`;
  return `${mentions || '(no manager role is set in config/slack)'} :rotating_light: this decision has waited ${waited} with no answer; the manager role is asked to step in. ${about}`;
}
