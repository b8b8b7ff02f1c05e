/**
 * Buttons. A button that needs words (a rationale, an outcome, a reason) opens a modal at once, with
 * the click's trigger id, which Slack honours for 3 s only; the decision is the modal's submission.
 * Acknowledge has no form: it is published as a job keyed by the incident, its level and the
 * message, so a double click acknowledges once. Role refusals answer ephemerally and are audited.
 *
 * The same click delivered twice (Slack's retry, a replayed payload) carries the same trigger id:
 * it is handled once (a create-once mark per trigger id), so it never opens a second modal.
 * Escalate carries the level it was pressed at, so a press from a level already passed changes nothing.
 */
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';
import { isAppError } from '../../shared/errors.js';
import { ACTION } from '../core/messages.js';
import { internalText, refusalText } from '../core/replies.js';
import { roleRefusalText, type Role } from '../core/settings.js';
import { CATEGORY_LABELS } from '../core/decisions.js';
import { CALLBACK, classifyModal, reasonModal } from '../core/views.js';
import { auditSlack, ctxFromInteraction, type SlackCtx } from '../context.js';
import { firstTime, release } from '../dedupe.js';
import { publishJob } from '../jobs/job.js';
import { openView, respond } from '../post.js';
import type { BoltRuntime, SlackRuntime } from '../deps.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type Handler = (
  rt: SlackRuntime,
  ctx: SlackCtx,
  value: Record<string, string>,
  triggerId: string,
) => Promise<void>;

const meta = (ctx: SlackCtx, extra: Record<string, string>) => ({
  ...extra,
  ...(ctx.channelId ? { channel: ctx.channelId } : {}),
  ...(ctx.messageTs ? { ts: ctx.messageTs } : {}),
  ...(ctx.teamId ? { team: ctx.teamId } : {}),
  ...(ctx.responseUrl ? { url: ctx.responseUrl } : {}),
});

const BUTTONS: Record<string, { role?: Role; what: string; run: Handler }> = {
  [ACTION.gatePick]: {
    role: 'approver',
    what: 'deciding a gate',
    run: (rt, ctx, v, trigger) =>
      openView(
        rt,
        trigger,
        reasonModal({
          callbackId: CALLBACK.gate,
          title: 'Decide the gate',
          intro: `Run \`${v.r}\`, gate \`${v.s}\`: you chose *${v.e}*.`,
          label: 'Rationale (required)',
          submit: 'Decide',
          meta: meta(ctx, { r: v.r!, s: v.s!, e: v.e! }),
        }),
      ),
  },
  [ACTION.runApprove]: {
    role: 'approver',
    what: 'approving a run',
    run: (rt, ctx, v, trigger) =>
      openView(
        rt,
        trigger,
        reasonModal({
          callbackId: CALLBACK.runDecide,
          title: 'Approve the run',
          intro: `Approve run \`${v.r}\`. The decision policy checks holdouts, failures and policy checks.`,
          label: 'The user-visible outcome, in your words (required)',
          submit: 'Approve',
          meta: meta(ctx, { r: v.r!, d: 'approve' }),
        }),
      ),
  },
  [ACTION.runReject]: {
    role: 'approver',
    what: 'rejecting a run',
    run: (rt, ctx, v, trigger) =>
      openView(
        rt,
        trigger,
        reasonModal({
          callbackId: CALLBACK.runDecide,
          title: 'Reject the run',
          intro: `Reject run \`${v.r}\`.`,
          label: 'Reason (required)',
          submit: 'Reject',
          meta: meta(ctx, { r: v.r!, d: 'reject' }),
        }),
      ),
  },
  [ACTION.classify]: {
    role: 'approver',
    what: 'classifying a failure',
    run: (rt, ctx, v, trigger) =>
      openView(
        rt,
        trigger,
        classifyModal({
          intro: `Run \`${v.r}\`, scenario \`${v.t}\`: *${CATEGORY_LABELS[v.c ?? ''] ?? v.c}*.`,
          meta: meta(ctx, { r: v.r!, t: v.t!, c: v.c! }),
        }),
      ),
  },
  [ACTION.incidentAck]: {
    what: 'acknowledging an incident',
    run: (rt, ctx, v) =>
      publishJob(rt.deps.bus, {
        kind: 'incident.ack',
        key: `ack:${v.i}:${v.l}:${ctx.messageTs ?? ctx.userId}`,
        incidentId: v.i!,
        ctx,
      }),
  },
  [ACTION.incidentEscalate]: {
    role: 'manager',
    what: 'escalating an incident',
    run: (rt, ctx, v, trigger) =>
      openView(
        rt,
        trigger,
        reasonModal({
          callbackId: CALLBACK.escalate,
          title: 'Escalate',
          intro: `Escalate \`${v.i}\` above level ${v.l}.`,
          label: 'Why (required)',
          meta: meta(ctx, { i: v.i!, l: v.l ?? '' }),
        }),
      ),
  },
  [ACTION.incidentResolve]: {
    what: 'resolving an incident',
    run: (rt, ctx, v, trigger) =>
      openView(
        rt,
        trigger,
        reasonModal({
          callbackId: CALLBACK.resolve,
          title: 'Resolve',
          intro: `Resolve \`${v.i}\`.`,
          label: 'How was it resolved? (required)',
          meta: meta(ctx, { i: v.i! }),
        }),
      ),
  },
  [ACTION.breakerOverride]: {
    role: 'finance',
    what: 'overriding the CFO breaker',
    run: (rt, ctx, v, trigger) =>
      openView(
        rt,
        trigger,
        reasonModal({
          callbackId: CALLBACK.override,
          title: 'Override breaker',
          intro: 'Every autonomous loop resumes.',
          label: 'Rationale (required)',
          submit: 'Override',
          meta: meta(ctx, { t: v.t ?? '' }),
        }),
      ),
  },
  [ACTION.safeModeExit]: {
    role: 'operator',
    what: 'exiting safe mode',
    run: (rt, ctx, _v, trigger) =>
      openView(
        rt,
        trigger,
        reasonModal({
          callbackId: CALLBACK.exitSafeMode,
          title: 'Exit safe mode',
          intro: 'Free generation resumes for new runs.',
          label: 'Rationale (required)',
          submit: 'Exit',
          meta: meta(ctx, {}),
        }),
      ),
  },
};

async function tell(rt: SlackRuntime, ctx: SlackCtx, text: string) {
  if (ctx.responseUrl) await respond(rt, ctx.responseUrl, { text });
  else if (ctx.channelId) await rt.web.chat.postEphemeral({ channel: ctx.channelId, user: ctx.userId, text });
}

/** One click: its trigger id (unique per click), else the action's own timestamp and user. */
function clickKey(b: Record<string, unknown>, actionId: string): string {
  if (typeof b.trigger_id === 'string' && b.trigger_id) return `click:${b.trigger_id}`;
  const a = (Array.isArray(b.actions) ? b.actions[0] : undefined) as { action_ts?: unknown } | undefined;
  const user = (b.user as { id?: unknown } | undefined)?.id;
  return `click:${actionId}:${String(user)}:${String(a?.action_ts)}`;
}

export function registerActions(rt: BoltRuntime): void {
  for (const [actionId, spec] of Object.entries(BUTTONS)) {
    rt.bolt.action<BlockAction<ButtonAction>>(actionId, async (args: Args) => {
      const b = args.body as unknown as Record<string, unknown>;
      const ctx = ctxFromInteraction(b);
      const key = clickKey(b, actionId);
      // The role is read while the click is marked (two round trips at once, not one after the
      // other: the modal must open within Slack's 3 s); its answer is used only for a first click.
      const allowed = spec.role ? rt.roles.userHasRole(rt.web, spec.role, ctx.userId) : Promise.resolve(true);
      allowed.catch(() => undefined); // awaited below, or dropped with a repeat
      try {
        if (!(await firstTime(rt.deps, key))) {
          await args.ack(); // a repeat of a click already handled: nothing more, no second reply
          return;
        }
        const value = JSON.parse(args.action.value ?? '{}') as Record<string, unknown>;
        const v = Object.fromEntries(Object.entries(value).map(([k, x]) => [k, String(x)]));
        if (spec.role && !(await allowed)) {
          await auditSlack(rt.deps, ctx, {
            action: `slack.button.${actionId}`,
            target: 'role',
            outcome: 'refused',
            reason: `forbidden: needs the ${spec.role} role`,
            details: { value: v, role: spec.role },
          });
          await tell(rt, ctx, roleRefusalText(spec.role, spec.what));
        } else await spec.run(rt, ctx, v, args.body.trigger_id);
      } catch (err) {
        if (!isAppError(err) || err.transient) {
          rt.deps.log.error('Slack button failed', { actionId, err });
          await release(rt.deps, key).catch(() => undefined); // Slack's retry may try again
        }
        await tell(rt, ctx, isAppError(err) && !err.transient ? refusalText(err) : internalText).catch(
          () => undefined,
        );
      }
      await args.ack();
    });
  }
}
