/**
 * Slow Slack work, off the ack path: the listener publishes a job on `slack-work` and answers Slack
 * at once; this runs the job (once per key, see dedupe.ts) and answers through the response_url.
 *
 * Refusals (an AppError that is not transient) are the answer: an ephemeral reply naming the reason,
 * audited with the Slack team and channel. Anything transient is thrown so Pub/Sub redelivers.
 */
import { z } from 'zod';
import type { Container } from '../../platform/container.js';
import { AppError, isAppError } from '../../shared/errors.js';
import { parseCommand, type Command } from '../core/command.js';
import { notice } from '../core/messages.js';
import { refusalText } from '../core/replies.js';
import { auditSlack, slackCtxSchema, type SlackCtx } from '../context.js';
import { claim, markDone, markEffected, type Reply } from '../dedupe.js';
import { homeOpened } from '../home.js';
import { postMessage, respond, updateMessage } from '../post.js';
import { refreshIncident } from '../refresh.js';
import { getSlackRuntime, type SlackRuntime } from '../runtime.js';
import { runEffect } from './effects.js';
import { auditReply, rolesReply } from './operator-reads.js';
import { gatesReply, missionsReply, runReply, sourcesReply, statusReply, walletReply } from './reads.js';

export const SLACK_WORK_TOPIC = 'slack-work';

export const jobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), key: z.string().min(1), text: z.string(), ctx: slackCtxSchema }),
  z.object({
    kind: z.literal('incident.ack'),
    key: z.string().min(1),
    incidentId: z.string().min(1),
    ctx: slackCtxSchema,
  }),
  z.object({
    kind: z.literal('refresh.incident'),
    key: z.string().min(1),
    incidentId: z.string().min(1),
    ctx: slackCtxSchema,
  }),
  /** Publishes the App Home of the person who opened it. */
  z.object({ kind: z.literal('home'), key: z.string().min(1), ctx: slackCtxSchema }),
  /** Rewrites the message a button was clicked on (through its response_url, else chat.update). */
  z.object({
    kind: z.literal('replace'),
    key: z.string().min(1),
    ctx: slackCtxSchema,
    message: z.object({ text: z.string(), blocks: z.array(z.looseObject({ type: z.string() })).optional() }),
  }),
]);

export type SlackJob = z.infer<typeof jobSchema>;

export async function publishJob(app: Container, job: SlackJob): Promise<void> {
  await app.bus.publish(SLACK_WORK_TOPIC, job);
}

const READS = new Set(['status', 'gates', 'wallet', 'run', 'missions', 'roles', 'audit', 'sources']);

/** What a subcommand's audit record names it. Reads are not audited. */
const targetOf = (cmd: Command): string =>
  'runId' in cmd
    ? `runs/${cmd.runId}`
    : 'incidentId' in cmd
      ? `incidents/${cmd.incidentId}`
      : 'id' in cmd
        ? `missions/${cmd.id}`
        : cmd.kind;

const rationaleOf = (cmd: Command): string | undefined =>
  'rationale' in cmd
    ? cmd.rationale
    : 'outcome' in cmd
      ? cmd.outcome
      : 'reason' in cmd
        ? cmd.reason
        : 'summary' in cmd
          ? cmd.summary
          : 'topic' in cmd
            ? `produce "${cmd.topic}"`
            : undefined;

async function read(app: Container, cmd: Command): Promise<Reply> {
  switch (cmd.kind) {
    case 'status':
      return statusReply(app);
    case 'gates':
      return gatesReply(app);
    case 'wallet':
      return walletReply(app);
    case 'missions':
      return missionsReply(app);
    case 'run':
      return runReply(app, cmd.runId);
    case 'roles':
      return rolesReply(app);
    case 'audit':
      return auditReply(app, cmd.subject);
    case 'sources':
      return sourcesReply(app);
    default:
      throw new Error(`not a read: ${cmd.kind}`);
  }
}

/** Runs the job's effect (or read) and returns its reply; refusals become replies, audited. */
async function execute(rt: SlackRuntime, job: SlackJob): Promise<Reply | undefined> {
  const { app } = rt;
  if (job.kind === 'replace') {
    const { responseUrl, channelId, messageTs } = job.ctx;
    if (responseUrl) await respond(rt, responseUrl, { ...job.message, replaceOriginal: true });
    else if (channelId && messageTs) await updateMessage(rt, channelId, messageTs, job.message);
    return undefined;
  }
  if (job.kind === 'home') {
    await homeOpened(rt, job.ctx.userId);
    return undefined;
  }
  if (job.kind === 'refresh.incident') {
    await refreshIncident(rt, job.incidentId, { channel: job.ctx.channelId, ts: job.ctx.messageTs });
    return undefined;
  }
  let cmd: Command;
  if (job.kind === 'incident.ack') cmd = { kind: 'ack', incidentId: job.incidentId };
  else {
    const parsed = parseCommand(job.text);
    if (!parsed.ok) return notice(`${parsed.problem}. Usage: \`${parsed.usage}\``);
    cmd = parsed.command;
  }
  if (READS.has(cmd.kind)) return read(app, cmd);
  try {
    const reply = await runEffect(app, job.ctx, cmd, job.key);
    await auditSlack(app, job.ctx, {
      action: `slack.${cmd.kind}`,
      target: targetOf(cmd),
      outcome: 'ok',
      rationale: rationaleOf(cmd),
    });
    if (cmd.kind === 'ack' || cmd.kind === 'resolve') await refreshQuietly(rt, cmd.incidentId, job.ctx);
    return reply;
  } catch (err) {
    if (!isAppError(err) || err.transient) throw err;
    await auditSlack(app, job.ctx, {
      action: `slack.${cmd.kind}`,
      target: targetOf(cmd),
      outcome: 'refused',
      rationale: rationaleOf(cmd),
      reason: `${err.code}: ${err.message}`,
    });
    return notice(refusalText(err));
  }
}

/** A message refresh must not turn a committed effect into a retry: it is logged and left. */
async function refreshQuietly(rt: SlackRuntime, incidentId: string, c: SlackCtx) {
  try {
    await refreshIncident(rt, incidentId, { channel: c.channelId, ts: c.messageTs });
  } catch (err) {
    rt.app.log.warn('incident message refresh failed; the next outbox delivery updates it', {
      incidentId,
      err,
    });
  }
}

async function answer(rt: SlackRuntime, ctx: SlackCtx, reply: Reply): Promise<void> {
  if (ctx.responseUrl) return respond(rt, ctx.responseUrl, reply);
  if (ctx.channelId) {
    await postMessage(rt, ctx.channelId, reply, { maxWaitMs: 10_000 });
    return;
  }
  throw new AppError('invalid_input', 'a Slack job with neither a response_url nor a channel');
}

/** The `slack-work` use case: one job, once. */
export async function handleSlackJob(app: Container, data: unknown): Promise<void> {
  const parsed = jobSchema.safeParse(data);
  if (!parsed.success) throw new AppError('invalid_input', `undecodable Slack job: ${parsed.error.message}`);
  const job = parsed.data;
  const rt = getSlackRuntime(app);
  const c = await claim(app, job.key);
  if (c.state === 'done') return;
  let reply = c.state === 'effected' ? c.reply : undefined;
  if (c.state === 'new') {
    reply = await execute(rt, job);
    await markEffected(app, job.key, reply);
  }
  if (reply) await answer(rt, job.ctx, reply);
  await markDone(app, job.key);
}
