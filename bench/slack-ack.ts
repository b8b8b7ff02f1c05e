/**
 * Slack ack latency: `/muse status` and a gate button click, 50 requests in flight, through the
 * real functions framework with the emulators in the path, beside a bare signed echo through the
 * same Bolt receiver in the same run. Goal: p99 within 1.3x of the bare ack and never over 1 s;
 * every request acknowledged (HTTP 200).
 *
 *   FIRESTORE_EMULATOR_HOST=… PUBSUB_EMULATOR_HOST=… npx tsx bench/slack-ack.ts
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { http as registerHttp } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { App } from '@slack/bolt';
import { FunctionsReceiver } from '../functions/src/slack/receiver.js';
import { interactionBody, signSlackRequest, slashCommandBody } from '../scripts/lib/slack-sign.js';
import { APPROVER, SECRET, startSlackHarness } from '../test/slack/helpers.js';

import { startExternalSlack } from './children.js';
import type { BenchRow } from './rows.js';

export type { BenchRow };

const CONCURRENCY = 50;
const PER_KIND = 1000;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function load(
  url: string,
  body: () => string,
): Promise<{ p50: number; p99: number; failed: number; rps: number }> {
  const times: number[] = [];
  let failed = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < PER_KIND) {
        const raw = body();
        const headers = {
          'content-type': 'application/x-www-form-urlencoded',
          ...signSlackRequest(raw, SECRET, Math.floor(Date.now() / 1000)),
        };
        const s = performance.now();
        const res = await fetch(url, { method: 'POST', headers, body: raw });
        await res.arrayBuffer();
        times.push(performance.now() - s);
        if (res.status !== 200) failed++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), failed, rps: times.length / elapsed };
}

async function startEcho(): Promise<{ url: string; server: Server }> {
  const receiver = new FunctionsReceiver({
    signingSecret: SECRET,
    now: () => Date.now(),
    log: {
      debug() {},
      info() {},
      warn() {},
      error() {},
      child() {
        return this;
      },
    },
  });
  const bolt = new App({
    receiver,
    authorize: async () => ({ botToken: 'xoxb-echo', botId: 'B0', botUserId: 'U0' }),
  });
  bolt.command('/muse', async ({ ack, command }) => ack({ response_type: 'ephemeral', text: command.text }));
  registerHttp('slackEcho', (req, res) => receiver.handle(req, res));
  const server = getTestServer('slackEcho');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`, server };
}

export async function runSlackAckBench(): Promise<BenchRow[]> {
  const external = await startExternalSlack<{ responses: unknown[] }>();
  const h = await startSlackHarness({ slackApiUrl: `${external.url}/api/` });
  const responseUrl = (id: string) => `${external.url}/response/${encodeURIComponent(id)}`;
  const echo = await startEcho();
  const events = `${h.baseUrl}/slack/events`;
  const cmd = (text: string) => () =>
    slashCommandBody({
      text,
      userId: APPROVER,
      responseUrl: responseUrl(randomUUID()),
      triggerId: `b-${randomUUID()}`,
    });
  const click = () =>
    interactionBody({
      type: 'block_actions',
      team: { id: 'T0LOCAL' },
      user: { id: APPROVER },
      channel: { id: 'CBENCH' },
      container: { type: 'message', message_ts: '1.1', channel_id: 'CBENCH' },
      trigger_id: `b-${randomUUID()}`,
      response_url: responseUrl(randomUUID()),
      actions: [
        {
          type: 'button',
          action_id: 'gate.pick',
          value: JSON.stringify({ r: 'run-b', s: 'review', e: 'ship' }),
          action_ts: '1',
        },
      ],
    });
  try {
    // Warm-up: the first request builds the Bolt app, the clients and the settings cache.
    await load(events, cmd('help'));
    await load(echo.url, cmd('echo'));
    const bare = await load(echo.url, cmd('echo'));
    const status = await load(events, cmd('status'));
    // Each kind is measured on its own: let the worker answer the status jobs it was just given
    // (one response_url post each) before the clicks, so clicks do not share the CPU with them.
    const drainUntil = Date.now() + 120_000;
    while ((await external.records()).responses.length < PER_KIND && Date.now() < drainUntil)
      await new Promise((r) => setTimeout(r, 200));
    const gate = await load(events, click);
    const rows: BenchRow[] = [
      { name: 'bare signed echo p50', value: bare.p50, unit: 'ms' },
      { name: 'bare signed echo p99', value: bare.p99, unit: 'ms' },
      { name: 'bare signed echo throughput', value: bare.rps, unit: 'req/s' },
    ];
    for (const [name, r] of [
      ['/muse status', status],
      ['gate button click', gate],
    ] as const) {
      rows.push(
        { name: `${name} ack p50`, value: r.p50, unit: 'ms' },
        {
          name: `${name} ack p99`,
          value: r.p99,
          unit: 'ms',
          limit: Math.min(1000, bare.p99 * 1.3),
          ratio: r.p99 / bare.p99,
        },
        { name: `${name} unacknowledged`, value: r.failed, unit: 'requests', limit: 0 },
      );
    }
    return rows;
  } finally {
    await new Promise<void>((r) => echo.server.close(() => r()));
    await h.stop();
    external.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runSlackAckBench();
  for (const r of rows)
    console.log(
      `${r.name.padEnd(36)} ${r.value.toFixed(1).padStart(8)} ${r.unit}${r.limit !== undefined ? `  (limit ${r.limit.toFixed(1)})` : ''}${r.ratio !== undefined ? `  ratio ${r.ratio.toFixed(2)}x` : ''}`,
    );
  process.exit(0);
}
