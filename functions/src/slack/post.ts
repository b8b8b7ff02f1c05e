/**
 * Sending to Slack. New messages keep Slack's pace of one per second per channel, shared by every
 * instance through a Firestore document per channel, and a 429's Retry-After pushes the channel's
 * next slot back. A post that would wait longer than the caller can afford is refused as
 * `rate_limited` (transient: the outbox or Pub/Sub tries again later) instead of outliving the
 * function. Replies through `response_url` are bounded by the same client budget.
 */
import type { webApi } from '@slack/bolt';
import { AppError } from '../shared/errors.js';
import { afterRateLimit, reserveSlot } from './core/pacing.js';
import type { SlackRuntime } from './deps.js';
import type { SlackMessage } from './reply.js';
import { holdPace, reservePace } from './repo.js';

export type { SlackMessage } from './reply.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Maps a Web API failure to a coded error: rate limits and transport failures are transient. */
function mapError(err: unknown, what: string): AppError {
  const e = err as { code?: string; data?: { error?: string }; message?: string };
  if (e.code === 'slack_webapi_platform_error') {
    const code = e.data?.error ?? 'unknown';
    const transient = [
      'internal_error',
      'fatal_error',
      'service_unavailable',
      'request_timeout',
      'ratelimited',
    ];
    return new AppError(
      transient.includes(code) ? 'unavailable' : 'invalid_input',
      `Slack refused ${what}: ${code}`,
    );
  }
  return new AppError('unavailable', `Slack unreachable for ${what}: ${e.message ?? String(err)}`);
}

/** Reserves the channel's next slot; refuses when it is further away than `maxWaitMs`. */
async function reserve(rt: SlackRuntime, channel: string, maxWaitMs: number): Promise<number> {
  const { db, clock } = rt.deps;
  return reservePace(db, channel, (next) => {
    const now = clock.now().getTime();
    const r = reserveSlot(next, now);
    if (r.waitMs > maxWaitMs)
      throw new AppError('rate_limited', `channel ${channel} is paced; next slot in ${r.waitMs} ms`);
    return { nextFree: r.nextFree, at: new Date(now), result: r.waitMs };
  });
}

async function noteRateLimit(rt: SlackRuntime, channel: string, retryAfter: number | undefined) {
  await holdPace(rt.deps.db, channel, afterRateLimit(rt.deps.clock.now().getTime(), retryAfter));
}

/** chat.postMessage at the channel's pace. Returns the message's channel and ts. */
export async function postMessage(
  rt: SlackRuntime,
  channel: string,
  m: SlackMessage & { thread_ts?: string },
  opts: { maxWaitMs?: number } = {},
): Promise<{ channel: string; ts: string }> {
  const wait = await reserve(rt, channel, opts.maxWaitMs ?? 5000);
  if (wait > 0) await sleep(wait);
  try {
    const r = await rt.web.chat.postMessage({
      channel,
      text: m.text,
      unfurl_links: false,
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    } as webApi.ChatPostMessageArguments);
    return { channel: r.channel ?? channel, ts: r.ts ?? '' };
  } catch (err) {
    if ((err as { code?: string }).code === 'slack_webapi_rate_limited_error') {
      await noteRateLimit(rt, channel, (err as { retryAfter?: number }).retryAfter);
      throw new AppError('rate_limited', `Slack rate-limited channel ${channel}`);
    }
    throw mapError(err, 'chat.postMessage');
  }
}

/** chat.update of an earlier message (not paced: it posts nothing new). */
export async function updateMessage(
  rt: SlackRuntime,
  channel: string,
  ts: string,
  m: SlackMessage,
): Promise<void> {
  try {
    await rt.web.chat.update({
      channel,
      ts,
      text: m.text,
      ...(m.blocks ? { blocks: m.blocks } : {}),
    } as webApi.ChatUpdateArguments);
  } catch (err) {
    if ((err as { code?: string }).code === 'slack_webapi_rate_limited_error') {
      await noteRateLimit(rt, channel, (err as { retryAfter?: number }).retryAfter);
      throw new AppError('rate_limited', `Slack rate-limited chat.update on ${channel}`);
    }
    throw mapError(err, 'chat.update');
  }
}

export async function openView(
  rt: SlackRuntime,
  triggerId: string,
  view: Record<string, unknown>,
): Promise<void> {
  try {
    await rt.web.views.open({ trigger_id: triggerId, view } as unknown as webApi.ViewsOpenArguments);
  } catch (err) {
    throw mapError(err, 'views.open');
  }
}

/**
 * Answers through a response_url: ephemeral unless `inChannel`; `replaceOriginal` rewrites the
 * message a button was clicked on. Retried within the client budget; a 4xx is not retried.
 */
export async function respond(
  rt: SlackRuntime,
  url: string,
  m: SlackMessage & { inChannel?: boolean; replaceOriginal?: boolean },
): Promise<void> {
  const body = JSON.stringify({
    text: m.text,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    response_type: m.inChannel ? 'in_channel' : 'ephemeral',
    ...(m.replaceOriginal ? { replace_original: true } : {}),
  });
  const { retries, timeoutMs, minTimeoutMs } = rt.budget;
  let last = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt) await sleep(minTimeoutMs * 2 ** (attempt - 1));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429)
        throw new AppError('invalid_input', `response_url refused: ${last}`);
    } catch (err) {
      if (err instanceof AppError) throw err;
      last = (err as Error).message;
    }
  }
  throw new AppError('unavailable', `response_url unreachable: ${last}`);
}
