/**
 * `npm run slack -- "/muse status"`: sends a signed slash command (or `--click <action-id> <value>`)
 * to the running local stack, as Slack would, and prints the reply and what the app posted to the
 * local Slack server, as text. Try the app without a workspace.
 *
 *   npm run slack -- "/muse status"
 *   npm run slack -- "/muse gates"
 *   npm run slack -- --click gate.pick '{"r":"<run-id>","s":"review","e":"ship"}'
 *   options: --url <events url>  --user <Slack user id>  --wait <seconds>
 *
 * Reads `.local/slack.json` (written by `npm start`) for the endpoint, the signing secret and the
 * local Slack server; SLACK_SIGNING_SECRET in the environment wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { interactionBody, signSlackRequest, slashCommandBody } from './lib/slack-sign.js';

interface LocalInfo {
  eventsUrl?: string;
  slackUrl?: string;
  signingSecret?: string;
  user?: string;
}

const root = join(import.meta.dirname, '..');
const DEFAULT_SECRET = 'local-slack-signing-secret-not-for-production';

function localInfo(): LocalInfo {
  const p = join(root, '.local', 'slack.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as LocalInfo) : {};
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

/** The readable text of a Slack message: its text, then every block's text. */
export function render(body: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'button') {
        parts.push(
          `[${(o.text as { text?: string })?.text ?? '?'}] (--click ${String(o.action_id)} '${String(o.value)}')`,
        );
        return;
      }
      for (const [k, x] of Object.entries(o)) {
        if (k === 'text' && typeof x === 'string') parts.push(x);
        else walk(x);
      }
    }
  };
  if (Array.isArray(body.blocks)) walk(body.blocks);
  else if (typeof body.text === 'string') parts.push(body.text);
  if (body.view) walk((body.view as { blocks?: unknown }).blocks);
  return parts.join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const info = localInfo();
  const url = flag(args, '--url') ?? info.eventsUrl ?? 'http://127.0.0.1:8080/slack/events';
  const user = flag(args, '--user') ?? info.user ?? 'ULOCALDEV';
  const waitS = Number(flag(args, '--wait') ?? '10');
  const click = flag(args, '--click');
  const secret = process.env.SLACK_SIGNING_SECRET ?? info.signingSecret ?? DEFAULT_SECRET;
  const slackUrl = info.slackUrl;
  const responseId = randomUUID();
  const responseUrl = `${slackUrl ?? 'http://127.0.0.1:9'}/response/${responseId}`;
  const before = slackUrl ? await records(slackUrl) : undefined;

  let body: string;
  if (click) {
    body = interactionBody({
      type: 'block_actions',
      team: { id: 'T0LOCAL' },
      user: { id: user, username: 'local' },
      channel: { id: 'C0GENERAL' },
      container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'C0GENERAL' },
      trigger_id: `cli-${randomUUID()}`,
      response_url: responseUrl,
      actions: [
        { type: 'button', action_id: click, block_id: 'cli', value: args[0] ?? '{}', action_ts: '1' },
      ],
    });
  } else {
    const text = (args.join(' ') || '/muse help').replace(/^\/muse\s*/, '');
    body = slashCommandBody({
      text,
      userId: user,
      channelId: 'C0GENERAL',
      responseUrl,
      triggerId: `cli-${randomUUID()}`,
    });
  }
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(body, secret, Math.floor(Date.now() / 1000)),
    },
    body,
  }).catch((err: Error) => {
    console.error(`Cannot reach ${url}: ${err.message}. Is the local stack running (npm start)?`);
    return undefined;
  });
  if (!res) return 1;
  const text = await res.text();
  console.log(`ack: HTTP ${res.status}`);
  if (text) console.log(render(JSON.parse(text) as Record<string, unknown>));
  if (res.status !== 200 || !slackUrl) return res.status === 200 ? 0 : 1;

  const deadline = Date.now() + waitS * 1000;
  let seen = 0;
  while (Date.now() < deadline) {
    const now = await records(slackUrl);
    const replies = now.responses.filter((r) => r.id === responseId);
    const calls = now.calls.slice(before!.calls.length);
    for (const r of replies.slice(seen))
      console.log(`\nreply${r.body.replace_original ? ' (replaces the message)' : ''}:\n${render(r.body)}`);
    seen = replies.length;
    if (seen && text === '') {
      for (const c of calls)
        console.log(
          `\n${c.method}${c.body.channel ? ` -> ${String(c.body.channel)}` : ''}:\n${render(c.body)}`,
        );
      return 0;
    }
    if (calls.some((c) => c.method === 'views.open')) {
      for (const c of calls) console.log(`\n${c.method}:\n${render(c.body)}`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!seen && text === '') console.log('(no reply yet; slow work answers through the response_url)');
  return 0;
}

async function records(slackUrl: string): Promise<{
  calls: Array<{ method: string; body: Record<string, unknown> }>;
  responses: Array<{ id: string; body: Record<string, unknown> }>;
}> {
  const r = await fetch(`${slackUrl}/_records`);
  return (await r.json()) as never;
}

process.exitCode = await main();
