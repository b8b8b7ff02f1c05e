/**
 * Slow Slack work, off the ack path: the listener publishes a job on `slack-work` and answers Slack
 * at once; this runs the job (once per key, see dedupe.ts) and answers through the response_url.
 *
 * Refusals (an AppError that is not transient) are the answer: an ephemeral reply naming the reason,
 * audited with the Slack team and channel. Anything transient is thrown so Pub/Sub redelivers.
 */
import { AppError, isAppError } from '../../shared/errors.js';
import { parseCommand, type Command } from '../core/command.js';
import { notice } from '../core/messages.js';
import { refusalText } from '../core/replies.js';
import { auditSlack, type SlackCtx } from '../context.js';
import { claim, markDone, markEffected } from '../dedupe.js';
import type { SlackDeps, SlackRuntime } from '../deps.js';
import { homeOpened } from '../home.js';
import { postMessage, respond, updateMessage } from '../post.js';
import { refreshIncident } from '../refresh.js';
import type { Reply } from '../reply.js';
import { runEffect } from './effects.js';
import { jobSchema, type SlackJob } from './job.js';
import {
  auditReply,
  gatesReply,
  missionsReply,
  rolesReply,
  runReply,
  sourcesReply,
  statusReply,
  walletReply,
} from './reads.js';

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

async function read(deps: SlackDeps, cmd: Command): Promise<Reply> {
  switch (cmd.kind) {
    case 'status':
      return statusReply(deps);
    case 'gates':
      return gatesReply(deps);
    case 'wallet':
      return walletReply(deps);
    case 'missions':
      return missionsReply(deps);
    case 'run':
      return runReply(deps, cmd.runId);
    case 'roles':
      return rolesReply(deps);
    case 'audit':
      return auditReply(deps, cmd.subject);
    case 'sources':
      return sourcesReply(deps);
    default:
      throw new Error(`not a read: ${cmd.kind}`);
  }
}

/** Runs the job's effect (or read) and returns its reply; refusals become replies, audited. */
async function execute(rt: SlackRuntime, job: SlackJob): Promise<Reply | undefined> {
  const { deps } = rt;
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
  if (READS.has(cmd.kind)) return read(deps, cmd);
  try {
    const reply = await runEffect(deps, job.ctx, cmd, job.key);
    await auditSlack(deps, job.ctx, {
      action: `slack.${cmd.kind}`,
      target: targetOf(cmd),
      outcome: 'ok',
      rationale: rationaleOf(cmd),
    });
    if (cmd.kind === 'ack' || cmd.kind === 'resolve') await refreshQuietly(rt, cmd.incidentId, job.ctx);
    return reply;
  } catch (err) {
    if (!isAppError(err) || err.transient) throw err;
    await auditSlack(deps, job.ctx, {
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
    rt.deps.log.warn('incident message refresh failed; the next outbox delivery updates it', {
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
export async function handleSlackJob(rt: SlackRuntime, data: unknown): Promise<void> {
  const parsed = jobSchema.safeParse(data);
  if (!parsed.success) throw new AppError('invalid_input', `undecodable Slack job: ${parsed.error.message}`);
  const job: SlackJob = parsed.data;
  const c = await claim(rt.deps, job.key);
  if (c.state === 'done') return;
  let reply = c.state === 'effected' ? c.reply : undefined;
  if (c.state === 'new') {
    reply = await execute(rt, job);
    await markEffected(rt.deps, job.key, reply);
  }
  if (reply) await answer(rt, job.ctx, reply);
  await markDone(rt.deps, job.key);
}
