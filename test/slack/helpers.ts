/**
 * The Slack app under test: the engine harness (real functions framework, emulators) with the
 * Slack env, the local Slack server, `config/slack` with channels and roles, and helpers that send
 * signed slash commands, clicks and modal submissions the way Slack does.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import type { Clock } from '../../functions/src/shared/ports.js';
import { interactionBody, signSlackRequest, slashCommandBody } from '../../scripts/lib/slack-sign.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';
import { startSlackServer, type LocalSlack, type ResponsePost } from '../../scripts/lib/slack-server.js';
import { SETTINGS_DOC, forgetSettings } from '../helpers/slack-state.js';

export const SECRET = 'test-signing-secret-0123456789';
export const APPROVER = 'UAPPROVER';
export const FINANCE = 'UFINANCE';
export const OPERATOR = 'UOPERATOR';
export const MANAGER = 'UMANAGER';
export const NOBODY = 'UNOBODY';

export const CHANNELS = {
  incidents: 'CINCIDENTS',
  'alerts-all': 'CALLHANDS',
  emergency: 'CEMERGENCY',
  finance: 'CFINANCE',
  operators: 'COPERATORS',
  reports: 'CREPORTS',
};

export interface SlackHarness extends Harness {
  slack: LocalSlack;
  /** Sends `/muse <text>`; returns the HTTP status, the ack body, and the response_url id. */
  command(
    text: string,
    o?: {
      user?: string;
      retryNum?: number;
      triggerId?: string;
      ts?: number;
      secret?: string | null;
      body?: string;
    },
  ): Promise<{ status: number; json: any; text: string; responseId: string; triggerId: string }>;
  /** A button click (block_actions). */
  click(
    actionId: string,
    value: unknown,
    o?: { user?: string; channel?: string; messageTs?: string; responseId?: string },
  ): Promise<{ status: number; text: string }>;
  /** Submits a modal the app opened (from the views.open the local server recorded). */
  submit(
    view: any,
    values: Record<string, string>,
    o?: { user?: string; viewId?: string },
  ): Promise<{ status: number; json: any }>;
  /** Waits for the response_url post with this id. */
  response(id: string, pred?: (r: ResponsePost) => boolean): Promise<ResponsePost>;
  lastView(): any;
  post(raw: string, headers: Record<string, string>): Promise<{ status: number; text: string }>;
}

/**
 * `slackApiUrl` points the app's Web API calls at a Slack server elsewhere (the ack benchmark runs
 * one in another process); the in-process one still records for the tests that read it.
 */
export async function startSlackHarness(
  o: {
    workflows?: WorkflowDefinition[];
    slackApiUrl?: string;
    clock?: Clock;
    /** More environment for the app (e.g. the media bucket). */
    env?: Record<string, string>;
  } = {},
): Promise<SlackHarness> {
  const slack = await startSlackServer();
  const h = await startHarness({
    ...(o.workflows ? { workflows: o.workflows } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
    env: {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: o.slackApiUrl ?? slack.apiUrl,
      SLACK_BOT_ID: 'B0MUSEBOT',
      SLACK_BOT_USER_ID: 'U0MUSEBOT',
      ...o.env,
    },
  });
  await h.app.db
    .collection(SETTINGS_DOC.collection)
    .doc(SETTINGS_DOC.id)
    .set({
      channels: CHANNELS,
      roles: {
        approver: { users: [APPROVER], groups: ['SAPPROVERS'] },
        finance: { users: [FINANCE], groups: [] },
        operator: { users: [OPERATOR], groups: [] },
        manager: { users: [MANAGER], groups: [] },
      },
    });
  forgetSettings(h.app);

  const post: SlackHarness['post'] = async (raw, headers) => {
    const res = await fetch(`${h.baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: raw,
    });
    return { status: res.status, text: await res.text() };
  };
  const signed = (raw: string, ts = Math.floor(Date.now() / 1000), secret: string | null = SECRET) =>
    secret === null ? {} : signSlackRequest(raw, secret, ts);

  const command: SlackHarness['command'] = async (text, c = {}) => {
    const responseId = randomUUID();
    const triggerId = c.triggerId ?? `trig-${randomUUID()}`;
    const raw =
      c.body ??
      slashCommandBody({
        text,
        userId: c.user ?? APPROVER,
        channelId: 'CCOMMANDS',
        responseUrl: slack.responseUrl(responseId),
        triggerId,
      });
    const headers: Record<string, string> = {
      ...signed(raw, c.ts, c.secret === undefined ? SECRET : c.secret),
    };
    if (c.retryNum)
      Object.assign(headers, {
        'x-slack-retry-num': String(c.retryNum),
        'x-slack-retry-reason': 'http_timeout',
      });
    const r = await post(raw, headers);
    let json: any;
    try {
      json = JSON.parse(r.text);
    } catch {
      json = undefined;
    }
    return { ...r, json, responseId, triggerId };
  };

  const click: SlackHarness['click'] = async (actionId, value, c = {}) => {
    const raw = interactionBody({
      type: 'block_actions',
      team: { id: 'T0LOCAL' },
      user: { id: c.user ?? APPROVER, username: (c.user ?? APPROVER).toLowerCase() },
      channel: { id: c.channel ?? 'CCOMMANDS' },
      container: {
        type: 'message',
        message_ts: c.messageTs ?? '1700000000.000001',
        channel_id: c.channel ?? 'CCOMMANDS',
      },
      trigger_id: `trig-${randomUUID()}`,
      response_url: slack.responseUrl(c.responseId ?? randomUUID()),
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: 'b',
          value: typeof value === 'string' ? value : JSON.stringify(value),
          action_ts: '1',
        },
      ],
    });
    return post(raw, signed(raw));
  };

  const submit: SlackHarness['submit'] = async (view, values, c = {}) => {
    const state = {
      values: Object.fromEntries(
        Object.entries(values).map(([b, v]) => [
          b,
          {
            value:
              b === 'preventionKind'
                ? { type: 'static_select', selected_option: { value: v } }
                : { type: 'plain_text_input', value: v },
          },
        ]),
      ),
    };
    const raw = interactionBody({
      type: 'view_submission',
      team: { id: 'T0LOCAL' },
      user: { id: c.user ?? APPROVER, username: 'someone' },
      view: { ...view, id: c.viewId ?? view.id, state },
    });
    const r = await post(raw, signed(raw));
    return { status: r.status, json: r.text ? JSON.parse(r.text) : undefined };
  };

  return {
    ...h,
    slack,
    command,
    click,
    submit,
    post,
    lastView: () => {
      const v = slack.callsOf('views.open').at(-1);
      if (!v) throw new Error('no views.open was recorded');
      return { ...v.body.view, id: `V-${randomUUID()}` };
    },
    response: (id, pred = () => true) =>
      h.waitFor(`response_url post ${id}`, async () => slack.responses.find((r) => r.id === id && pred(r))),
    stop: async () => {
      await h.stop();
      await slack.stop();
    },
  };
}

/** Runs `/muse <text>` and returns the text of its answer (the ack, or the response_url post); fails unless 200. */
export async function answerOf(
  h: SlackHarness,
  text: string,
  o: { user?: string; triggerId?: string; retryNum?: number } = {},
): Promise<string> {
  const r = await h.command(text, o);
  assert.equal(r.status, 200, `${text}: ${r.text}`);
  if (r.text) return textOf(r.json);
  return textOf((await h.response(r.responseId)).body);
}

/** The visible text of a Slack message body: its text and every block's text. */
export function textOf(body: Record<string, any>): string {
  const parts: string[] = [String(body.text ?? '')];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v))
        if (k === 'text' && typeof x === 'string') parts.push(x);
        else walk(x);
    }
  };
  walk(body.blocks);
  return parts.join('\n');
}
