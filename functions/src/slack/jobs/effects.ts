/**
 * The subcommands that change something. Each calls one use case of the owning system with the
 * Slack user as the actor; the use case checks its own rules and audits its own decision. The
 * Slack-side audit (team and channel) is written by the worker around this.
 */
import { createHash } from 'node:crypto';
import { decideGate } from '../../engine/gates.js';
import { acknowledgeIncident, escalateIncident, resolveIncident } from '../../incidents/actions.js';
import { startEscalation } from '../../incidents/escalation.js';
import { openIncident } from '../../incidents/open-incident.js';
import { blockMission, completeMission, startMission, unblockMission } from '../../missions/lifecycle.js';
import type { Container } from '../../platform/container.js';
import { decideRun } from '../../runs/decide.js';
import { resolveGate } from '../../runs/gate-and-callback.js';
import { pipelineRunRef } from '../../runs/store.js';
import { renderClosureMarkdown } from '../../sessions/core/closure.js';
import { closeSession, startSession } from '../../sessions/sessions.js';
import { SESSIONS } from '../../sessions/store.js';
import { conflict } from '../../shared/errors.js';
import type { Command } from '../core/command.js';
import { notice } from '../core/messages.js';
import { sections, header, message } from '../core/blocks.js';
import { actorOf, type SlackCtx } from '../context.js';
import type { Reply } from '../dedupe.js';
import { museOf } from '../../wiring/muse.js';

const said = (c: SlackCtx) => `<@${c.userId}>`;

/** A gate decision: Level 4 runs through their use case (which adds the run record), others on the engine. */
export async function decideAnyGate(
  app: Container,
  c: SlackCtx,
  g: { runId: string; stepId?: string; edge: string; rationale: string },
) {
  const actor = actorOf(c);
  if ((await pipelineRunRef(app.db, g.runId).get()).exists) {
    const d = await resolveGate(
      app,
      g.runId,
      { stageId: g.stepId, edge: g.edge, rationale: g.rationale },
      actor,
      'slack',
    );
    return { stepId: d.stageId, edge: d.edge, rationale: d.rationale };
  }
  const d = await decideGate(app, {
    runId: g.runId,
    ...(g.stepId ? { stepId: g.stepId } : {}),
    edge: g.edge,
    rationale: g.rationale,
    actor,
    via: 'slack',
    slack: { teamId: c.teamId, channelId: c.channelId },
  });
  return { stepId: d.stepId, edge: d.edge, rationale: d.rationale };
}

export async function decideRunFromSlack(
  app: Container,
  c: SlackCtx,
  d: { runId: string; decision: 'approve' | 'reject'; text: string },
) {
  return decideRun(
    app,
    d.runId,
    { decision: d.decision, rationale: d.text, ...(d.decision === 'approve' ? { outcome: d.text } : {}) },
    actorOf(c),
    'slack',
  );
}

async function openSession(app: Container): Promise<string> {
  const snap = await app.db.collection(SESSIONS).where('status', '==', 'open').get();
  const open = snap.docs.map((d) => d.id).sort();
  if (!open.length) throw conflict('no open session: start one with /muse session start');
  return open[open.length - 1]!;
}

/**
 * Runs an effectful subcommand; returns the reply. Refusals come back as AppErrors. `key` is the
 * job's once-only key: effects that create something derive their idempotency key from it.
 */
export async function runEffect(app: Container, c: SlackCtx, cmd: Command, key = ''): Promise<Reply> {
  const actor = actorOf(c);
  switch (cmd.kind) {
    case 'gate': {
      const d = await decideAnyGate(app, c, cmd);
      return {
        ...notice(
          `:white_check_mark: ${said(c)} resolved gate \`${d.stepId}\` of \`${cmd.runId}\`: *${d.edge}* — ${d.rationale}`,
        ),
        inChannel: true,
      };
    }
    case 'approve':
    case 'reject': {
      const r = await decideRunFromSlack(app, c, {
        runId: cmd.runId,
        decision: cmd.kind,
        text: cmd.kind === 'approve' ? cmd.outcome : cmd.reason,
      });
      return {
        ...message(
          `Run ${cmd.runId} ${r.decision}`,
          [
            header(`Run ${cmd.runId} ${r.decision}`),
            ...sections(
              [`by ${said(c)}: ${r.rationale}`, ...r.reasons.map((x) => `• ${x}`)],
              `/v1/pipeline-runs/${cmd.runId}`,
              5,
            ),
          ],
          '',
        ),
        inChannel: true,
      };
    }
    case 'mission.start': {
      const r = await startMission(app, { id: cmd.id, actor });
      return notice(`Mission \`${r.mission.id}\` is ${r.mission.status}.`);
    }
    case 'mission.complete': {
      const r = await completeMission(app, {
        id: cmd.id,
        actor,
        verification: { command: cmd.verification, result: 'passed' },
      });
      return notice(
        `Mission \`${r.mission.id}\` completed.${r.promoted ? ` Next: \`${r.promoted.id}\`.` : ''}`,
      );
    }
    case 'mission.block': {
      const r = await blockMission(app, {
        id: cmd.id,
        actor,
        needs: cmd.needs,
        unblockCriteria: cmd.criteria,
      });
      return notice(`Mission \`${r.mission.id}\` blocked; needs ${cmd.needs.join(', ')}.`);
    }
    case 'mission.unblock': {
      const r = await unblockMission(app, { id: cmd.id, actor, ...(cmd.note ? { note: cmd.note } : {}) });
      return notice(`Mission \`${r.mission.id}\` unblocked (${r.mission.status}).`);
    }
    case 'session.start': {
      const s = await startSession(app, {
        actor,
        ...(cmd.focusAreas.length ? { focusAreas: cmd.focusAreas } : {}),
      });
      const lines = [
        `Session \`${s.session.id}\` started. Focus: ${s.focusAreas.join(', ') || '—'}`,
        `*Rules (L1):* ${s.rules.length}  ·  *Active memories (L0):* ${s.memories.length}`,
        ...s.memories.slice(0, 10).map((m) => `• ${m.title}`),
      ];
      return message(lines[0]!, sections(lines, '/v1/sessions', 5), '');
    }
    case 'session.close': {
      const id = await openSession(app);
      const report = await closeSession(app, {
        id,
        actor,
        tests: { passed: cmd.testsPassed },
        ...(cmd.notes ? { notes: cmd.notes } : {}),
      });
      const md = renderClosureMarkdown(report);
      return {
        ...message(`Session ${id} closed`, sections(md.split('\n'), `/v1/sessions/${id}/report`, 20), ''),
        inChannel: true,
      };
    }
    case 'incident': {
      const r = await openIncident(app, {
        severity: cmd.severity,
        source: 'person',
        summary: cmd.summary,
        actor,
      });
      if (r.created) await startEscalation(app, r.id);
      return notice(
        r.created
          ? `Incident \`${r.id}\` opened (${cmd.severity}); it is posted to the incidents channel and escalates until acknowledged.`
          : `An open incident already covers this: \`${r.id}\`.`,
      );
    }
    case 'ack':
      await acknowledgeIncident(app, { incidentId: cmd.incidentId, actor });
      return { ...notice(`${said(c)} acknowledged \`${cmd.incidentId}\`.`), inChannel: true };
    case 'resolve':
      await resolveIncident(app, { incidentId: cmd.incidentId, summary: cmd.summary, actor });
      return { ...notice(`${said(c)} resolved \`${cmd.incidentId}\`: ${cmd.summary}`), inChannel: true };
    case 'breaker.override': {
      const r = await museOf(app).wallet.override({ actor, rationale: cmd.rationale, via: 'slack' });
      return {
        ...notice(`:unlock: ${said(c)} overrode the CFO breaker: ${cmd.rationale}. Loop: ${r.loop}.`),
        inChannel: true,
      };
    }
    case 'produce': {
      const requestId = createHash('sha256')
        .update(key || JSON.stringify(cmd))
        .digest('hex')
        .slice(0, 32);
      const r = await museOf(app).production.request({ topic: cmd.topic, requestId, actor, via: 'slack' });
      return {
        ...notice(
          `:clapper: ${said(c)} asked for a production of *${r.topic}*: intent \`${r.intentId}\`, run \`${r.runId}\` (CFO gate first).`,
        ),
        inChannel: true,
      };
    }
    case 'safemode.exit':
      await museOf(app).critic.exitSafeMode({ actor, rationale: cmd.rationale, via: 'slack' });
      return { ...notice(`${said(c)} exited safe mode: ${cmd.rationale}`), inChannel: true };
    default:
      throw new Error(`not an effect: ${cmd.kind}`);
  }
}

/** Escalates from the level the button showed (`fromLevel`); a press from a passed level is a no-op. */
export async function escalateFromSlack(
  app: Container,
  c: SlackCtx,
  incidentId: string,
  reason: string,
  fromLevel?: number,
) {
  return escalateIncident(app, {
    incidentId,
    reason,
    actor: actorOf(c),
    ...(fromLevel !== undefined ? { fromLevel } : {}),
  });
}
