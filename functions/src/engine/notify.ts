/**
 * The engine's part in pushing decisions to people. A gate that opens enqueues its Slack message (a
 * button per edge) in the same commit as the gate; a gate decision enqueues the note that rewrites
 * every copy of it. Either commit also writes a kick into the engine's own outbox, published right
 * after the commit or, if that fails, by the sweep: the request to deliver now is as durable as the
 * gate itself, and the every-minute Slack outbox job stays the backstop.
 */
import type { Firestore } from '@google-cloud/firestore';
import {
  SLACK_OUTBOX_TOPIC,
  enqueueDecided,
  enqueueSlack,
  type OutboxWriter,
} from '../notify/slack-outbox.js';
import type { Actor } from '../shared/ports.js';
import type { GateDecision, OutboxDoc, WorkflowRun } from './store.js';

/** Every engine gate's messages go to this channel key (`default` when it is not configured). */
export const GATE_CHANNEL_KEY = 'gates';

/** What the Slack messages about one gate are about (`ref` of its outbox entries). */
export const gateSubject = (runId: string, stepId: string) => ({ type: 'gate', id: `${runId}~${stepId}` });

/** The outbox entry that publishes one `slack-outbox` firing for a run's commit. */
export function slackKickEntry(runId: string, seq: number, now: Date): OutboxDoc {
  return {
    id: `${runId}~slack~${seq}`,
    topic: SLACK_OUTBOX_TOPIC,
    runId,
    data: { job: 'slack-outbox', kick: true },
    notBefore: now,
    createdAt: now,
  };
}

/** How a decider is named in Slack: a user's id (rendered as a mention), else the key's name. */
export const deciderLabel = (a: Actor) => (a.kind === 'user' ? a.id : (a.name ?? a.id));

/** Writes the "decision needed" entry of a gate that opens. */
export function enqueueGateOpened(
  db: Firestore,
  w: OutboxWriter,
  run: Pick<WorkflowRun, 'id' | 'workflow'>,
  stepId: string,
  gate: { context: Record<string, unknown>; edges: string[] },
  now: Date,
): void {
  enqueueSlack(
    db,
    w,
    `gate~${run.id}~${stepId}`,
    {
      kind: 'gate',
      channelKey: GATE_CHANNEL_KEY,
      text: `Run ${run.id} (${run.workflow}) waits at gate ${stepId}: ${gate.edges.join(' | ')}`,
      ref: gateSubject(run.id, stepId),
      data: {
        runId: run.id,
        stepId,
        workflow: run.workflow,
        edges: gate.edges,
        context: gate.context,
        neededAt: now.toISOString(),
      },
    },
    now,
  );
}

/** Writes the note that rewrites every message about a decided gate. */
export function enqueueGateDecided(
  db: Firestore,
  w: OutboxWriter,
  runId: string,
  stepId: string,
  d: GateDecision,
): void {
  enqueueDecided(
    db,
    w,
    gateSubject(runId, stepId),
    { by: deciderLabel(d.decider), what: d.edge, why: d.rationale, at: d.at },
    GATE_CHANNEL_KEY,
  );
}
