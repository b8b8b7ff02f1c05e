/**
 * Modal submissions. Each runs its use case inline, because a refusal belongs inline in the form
 * (`response_action: errors`): a missing rationale, the decision policy's reasons, four whys. The
 * submission is keyed by the view id, so a repeat changes nothing; updating the message the button
 * was on is published as a job. Every submission is audited with the Slack team and channel.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { resolveIncident } from '../../incidents/actions.js';
import { AppError, isAppError } from '../../shared/errors.js';
import { classifyFailure } from '../../runs/classify.js';
import { createFailureLog } from '../../sessions/failure-logs.js';
import { breakerMessage, safeModeMessage } from '../core/alerts.js';
import { gateBlocks } from '../core/messages.js';
import { message } from '../core/blocks.js';
import { refusalText } from '../core/replies.js';
import { ROLE_FOR, roleRefusalText, type Role } from '../core/settings.js';
import { CALLBACK, failureErrors, fieldValue, readFailure, type ModalMeta } from '../core/views.js';
import { actorOf, auditSlack, slackCtxSchema, type SlackCtx } from '../context.js';
import { firstTime, release } from '../dedupe.js';
import { decideAnyGate, decideRunFromSlack, escalateFromSlack } from '../jobs/effects.js';
import { publishJob } from '../jobs/worker.js';
import type { SlackRuntime } from '../runtime.js';
import { userHasRole } from '../settings-store.js';
import { museOf } from '../../wiring/muse.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Values = Parameters<typeof fieldValue>[0];
/** What a submission did: the audit's target and rationale, and how to update the message. */
type Done = {
  target: string;
  rationale: string;
  replace?: { text: string; blocks?: unknown[] };
  refreshIncident?: string;
  ack?: Record<string, unknown>;
};
type Submit = (rt: SlackRuntime, ctx: SlackCtx, meta: ModalMeta, values: Values) => Promise<Done>;

const required = (values: Values, block = 'reason') => {
  const v = fieldValue(values, block);
  if (!v) throw new AppError('invalid_input', 'required', { block });
  return v;
};

const SUBMITS: Record<string, { role?: Role; errorBlock: string; run: Submit }> = {
  [CALLBACK.gate]: {
    role: ROLE_FOR.gate,
    errorBlock: 'reason',
    run: async (rt, ctx, m, values) => {
      const rationale = required(values);
      const d = await decideAnyGate(rt.app, ctx, { runId: m.r!, stepId: m.s, edge: m.e!, rationale });
      const blocks = gateBlocks(
        { runId: m.r!, workflow: '', stepId: d.stepId, edges: [], context: {} },
        { edge: d.edge, rationale: d.rationale, deciderId: ctx.userId },
      );
      return {
        target: `runs/${m.r}#${d.stepId}`,
        rationale,
        replace: message(`Gate ${d.stepId} of ${m.r}: ${d.edge}`, blocks, ''),
      };
    },
  },
  [CALLBACK.runDecide]: {
    role: 'approver',
    errorBlock: 'reason',
    run: async (rt, ctx, m, values) => {
      const text = required(values);
      const r = await decideRunFromSlack(rt.app, ctx, {
        runId: m.r!,
        decision: m.d === 'approve' ? 'approve' : 'reject',
        text,
      });
      const lines = [
        `Run \`${m.r}\` *${r.decision}* by <@${ctx.userId}>: ${text}`,
        ...r.reasons.map((x) => `• ${x}`),
      ].join('\n');
      return {
        target: `pipelineRuns/${m.r}`,
        rationale: text,
        replace: {
          text: `Run ${m.r} ${r.decision}`,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.slice(0, 3000) } }],
        },
      };
    },
  },
  [CALLBACK.classify]: {
    role: 'approver',
    errorBlock: 'reason',
    run: async (rt, ctx, m, values) => {
      const note = required(values);
      const impact = required(values, 'impact');
      await classifyFailure(
        rt.app,
        m.r!,
        { target: { type: 'scenario', id: m.t! }, category: m.c, userImpact: impact === 'yes', note },
        actorOf(ctx),
        'slack',
      );
      // The message is rewritten by the decided entry the classification enqueued.
      return { target: `pipelineRuns/${m.r}#${m.t}`, rationale: note };
    },
  },
  [CALLBACK.failure]: {
    errorBlock: 'summary',
    run: async (rt, ctx, m, values) => {
      const input = readFailure(values);
      const r = await createFailureLog(rt.app, {
        ...input,
        prevention: { kind: input.prevention.kind as 'add_rule', text: input.prevention.text },
        source: { type: 'slack', channel: m.channel ?? '', team: m.team ?? '' },
        actor: actorOf(ctx),
      });
      return {
        target: `failureLogs/${r.id}`,
        rationale: input.rootCause,
        ack: {
          response_action: 'update',
          view: {
            type: 'modal',
            title: { type: 'plain_text', text: 'Failure logged' },
            close: { type: 'plain_text', text: 'Done' },
            blocks: [
              { type: 'section', text: { type: 'mrkdwn', text: `Logged as \`${r.id}\`. Thank you.` } },
            ],
          },
        },
      };
    },
  },
  [CALLBACK.escalate]: {
    role: 'manager',
    errorBlock: 'reason',
    run: async (rt, ctx, m, values) => {
      const reason = required(values);
      const from = m.l ? Number(m.l) : undefined;
      const r = await escalateFromSlack(rt.app, ctx, m.i!, reason, Number.isInteger(from) ? from : undefined);
      if (!r.changed)
        return {
          target: `incidents/${m.i}`,
          rationale: reason,
          ack: noteModal(
            'Not escalated',
            `\`${m.i}\` is already at level ${r.level}, above the level ${m.l} you escalated from: nothing changed.`,
          ),
        };
      return { target: `incidents/${m.i}`, rationale: reason, refreshIncident: m.i! };
    },
  },
  [CALLBACK.resolve]: {
    errorBlock: 'reason',
    run: async (rt, ctx, m, values) => {
      const summary = required(values);
      await resolveIncident(rt.app, { incidentId: m.i!, summary, actor: actorOf(ctx) });
      return { target: `incidents/${m.i}`, rationale: summary, refreshIncident: m.i! };
    },
  },
  [CALLBACK.override]: {
    role: 'finance',
    errorBlock: 'reason',
    run: async (rt, ctx, m, values) => {
      const rationale = required(values);
      await museOf(rt.app).wallet.override({ actor: actorOf(ctx), rationale, via: 'slack' });
      const text = `CFO circuit breaker (trip ${m.t}) overridden; every autonomous loop resumes.`;
      return {
        target: 'wallet/breaker',
        rationale,
        replace: breakerMessage(
          { text, trip: m.t ?? '', overridden: { by: ctx.userId, rationale } },
          rt.app.config.publicBaseUrl,
        ),
      };
    },
  },
  [CALLBACK.exitSafeMode]: {
    role: 'operator',
    errorBlock: 'reason',
    run: async (rt, ctx, _m, values) => {
      const rationale = required(values);
      await museOf(rt.app).critic.exitSafeMode({ actor: actorOf(ctx), rationale, via: 'slack' });
      return {
        target: 'muse/safemode',
        rationale,
        replace: safeModeMessage(
          {
            text: 'Safe mode exited; free generation resumes.',
            entered: false,
            exited: { by: ctx.userId, rationale },
          },
          rt.app.config.publicBaseUrl,
        ),
      };
    },
  },
};

/** Replaces the modal with a note only the person sees (the modal's answer is theirs alone). */
const noteModal = (title: string, text: string) => ({
  response_action: 'update',
  view: {
    type: 'modal',
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  },
});

function ctxOf(body: Record<string, unknown>, meta: ModalMeta): SlackCtx {
  const user = (body.user ?? {}) as { id?: string; username?: string; name?: string; team_id?: string };
  const team = (body.team ?? {}) as { id?: string };
  return slackCtxSchema.parse({
    teamId: team.id ?? user.team_id ?? meta.team,
    channelId: meta.channel,
    userId: user.id,
    userName: user.username ?? user.name,
    responseUrl: meta.url,
    messageTs: meta.ts,
  });
}

/** Maps a refusal onto the form: failure logs field by field, everything else on `block`. */
function inlineErrors(callbackId: string, err: AppError, block: string, values: Values) {
  const d = err.details as { missing?: string[]; block?: string } | undefined;
  if (callbackId === CALLBACK.failure && d?.missing)
    return { response_action: 'errors', errors: failureErrors(d.missing, values) };
  if (err.message === 'required' && d?.block)
    return { response_action: 'errors', errors: { [d.block]: 'This is required.' } };
  return { response_action: 'errors', errors: { [block]: refusalText(err).slice(0, 1000) } };
}

async function submit(
  rt: SlackRuntime,
  callbackId: string,
  args: Args,
): Promise<Record<string, unknown> | undefined> {
  const spec = SUBMITS[callbackId]!;
  const view = args.view as unknown as { id: string; private_metadata?: string; state?: { values?: Values } };
  const meta = JSON.parse(view.private_metadata || '{}') as ModalMeta;
  const ctx = ctxOf(args.body as unknown as Record<string, unknown>, meta);
  const values = view.state?.values;
  const audit = (outcome: 'ok' | 'refused', target: string, rationale?: string, reason?: string) =>
    auditSlack(rt.app, ctx, {
      action: `slack.modal.${callbackId}`,
      target,
      outcome,
      ...(rationale ? { rationale } : {}),
      ...(reason ? { reason } : {}),
    });
  if (spec.role && !(await userHasRole(rt.app, rt.web, spec.role, ctx.userId))) {
    await audit('refused', 'role', undefined, `forbidden: needs the ${spec.role} role`);
    return {
      response_action: 'errors',
      errors: { [spec.errorBlock]: roleRefusalText(spec.role, 'this decision') },
    };
  }
  const key = `view:${view.id}`;
  if (!(await firstTime(rt.app, key))) return { response_action: 'clear' };
  try {
    const done = await spec.run(rt, ctx, meta, values);
    await audit('ok', done.target, done.rationale);
    if (done.replace)
      await publishJob(rt.app, {
        kind: 'replace',
        key: `${key}:replace`,
        ctx,
        message: done.replace as { text: string },
      });
    if (done.refreshIncident)
      await publishJob(rt.app, {
        kind: 'refresh.incident',
        key: `${key}:refresh`,
        incidentId: done.refreshIncident,
        ctx,
      });
    return done.ack ?? { response_action: 'clear' };
  } catch (err) {
    await release(rt.app, key); // the person may correct the form and submit again
    if (!isAppError(err) || err.transient) throw err;
    await audit(
      'refused',
      meta.r ? `runs/${meta.r}` : meta.i ? `incidents/${meta.i}` : callbackId,
      fieldValue(values, spec.errorBlock),
      `${err.code}: ${err.message}`,
    );
    return inlineErrors(callbackId, err, spec.errorBlock, values);
  }
}

export function registerViews(rt: SlackRuntime): void {
  for (const callbackId of Object.keys(SUBMITS)) {
    rt.bolt.view<ViewSubmitAction>(callbackId, async (args: Args) => {
      let response: Record<string, unknown> | undefined;
      try {
        response = await submit(rt, callbackId, args);
      } catch (err) {
        rt.app.log.error('Slack modal submission failed', { callbackId, err });
        response = {
          response_action: 'errors',
          errors: {
            [SUBMITS[callbackId]!.errorBlock]: 'Something went wrong on our side; try again in a moment.',
          },
        };
      }
      await (args.ack as (r?: Record<string, unknown>) => Promise<void>)(response);
    });
  }
}
