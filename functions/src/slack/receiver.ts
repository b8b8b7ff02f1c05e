/**
 * A Bolt receiver for Cloud Functions: the functions framework has already read the body, so the
 * signature is checked on its `req.rawBody` (Slack signs the exact bytes), and the response is sent
 * only after Bolt has processed the event (`processBeforeResponse`: on FaaS, work after the response
 * may never get CPU). A bad or missing signature, or a timestamp more than 300 s from now (either
 * way: Bolt's own check only refuses the past), gets 401 before anything runs. A signed body that is
 * not a Slack request (`payload=null`, a JSON array, no `type` or `command`) gets 400 and is logged.
 *
 * Listeners ack first and hand slow work to Pub/Sub, so processing ends well inside Slack's 3 s.
 * If it ever does not, the request is still answered at the deadline with whatever was acked.
 */
import type { Request, Response } from '@google-cloud/functions-framework';
import { isValidSlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../platform/log.js';

export interface FunctionsReceiverOptions {
  signingSecret: string;
  /** Milliseconds now, from the container's clock (tests pin it). */
  now: () => number;
  log: Logger;
  /** Answer by then even if processing goes on (Slack gives up at 3,000 ms). */
  deadlineMs?: number;
}

type AckBody = string | Record<string, unknown> | undefined;

export class FunctionsReceiver implements Receiver {
  private bolt?: App;
  constructor(private readonly o: FunctionsReceiverOptions) {}

  init(app: App): void {
    this.bolt = app;
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** The HTTP function's body: verify, parse, dispatch, answer. */
  async handle(req: Request, res: Response): Promise<void> {
    if (req.method !== 'POST') {
      res.status(405).set('allow', 'POST').send('');
      return;
    }
    const raw = req.rawBody ? req.rawBody.toString('utf8') : '';
    const signature = req.header('x-slack-signature');
    const ts = Number(req.header('x-slack-request-timestamp'));
    const valid =
      !!signature &&
      Number.isFinite(ts) &&
      ts > 0 &&
      withinWindow(ts, this.o.now()) &&
      isValidSlackRequest({
        signingSecret: this.o.signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
        nowMilliseconds: this.o.now(),
      });
    if (!valid) {
      res.status(401).send('');
      return;
    }
    const parsed = parseSlackRequest(raw, req.header('content-type') ?? '');
    if (!parsed.ok) {
      // Signed by someone holding the secret, yet not a request Slack sends: worth a look.
      this.o.log.warn('malformed signed Slack request refused', {
        reason: parsed.reason,
        contentType: req.header('content-type'),
        bytes: raw.length,
      });
      res.status(400).json({ error: { code: 'invalid_input', message: parsed.reason } });
      return;
    }
    const body = parsed.body;
    if (body.ssl_check) {
      res.status(200).send('');
      return;
    }
    if (body.type === 'url_verification') {
      res.status(200).json({ challenge: body.challenge });
      return;
    }
    await this.dispatch(body, req, res);
  }

  private async dispatch(body: Record<string, unknown>, req: Request, res: Response): Promise<void> {
    let acked = false;
    let stored: AckBody;
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (acked) return; // a second ack is harmless here; Bolt's receivers throw, which helps no one
        acked = true;
        stored = response as AckBody;
      },
      retryNum: req.header('x-slack-retry-num') ? Number(req.header('x-slack-retry-num')) : undefined,
      retryReason: req.header('x-slack-retry-reason') ?? undefined,
      customProperties: {},
    };
    const processing = this.bolt!.processEvent(event).then(
      () => 'done' as const,
      (err: unknown) => {
        this.o.log.error('Slack event processing failed', { err });
        return 'failed' as const;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), this.o.deadlineMs ?? 2500);
    });
    const outcome = await Promise.race([processing, deadline]);
    clearTimeout(timer);
    if (!acked) {
      if (outcome === 'done') {
        res.status(404).send(''); // no listener matched: not something this app handles
        return;
      }
      // Acknowledge anyway: an unanswered request makes Slack show an error and retry.
      res
        .status(200)
        .json({ response_type: 'ephemeral', text: ':hourglass: Still working; the answer will follow.' });
      return;
    }
    if (stored === undefined || stored === '') res.status(200).send('');
    else if (typeof stored === 'string') res.status(200).type('text/plain').send(stored);
    else res.status(200).json(stored);
  }
}

/** Slack's replay window, in seconds, applied both ways: a timestamp from the future is no better. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export const withinWindow = (tsSeconds: number, nowMs: number) =>
  Math.abs(nowMs / 1000 - tsSeconds) <= SIGNATURE_WINDOW_SECONDS;

export type ParsedSlackRequest = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Slash commands and interactivity arrive form-encoded (`payload` holds the JSON); events as JSON.
 * Only the shapes Slack sends pass: an interactivity payload or event is a JSON object with a string
 * `type`; a slash command has a `command`; an SSL check has `ssl_check`.
 */
export function parseSlackRequest(raw: string, contentType: string): ParsedSlackRequest {
  let body: unknown;
  try {
    if (contentType.includes('application/x-www-form-urlencoded')) {
      const form = Object.fromEntries(new URLSearchParams(raw));
      if ('payload' in form) {
        body = JSON.parse(form.payload!);
        if (!isObject(body)) return { ok: false, reason: 'payload: not a JSON object' };
        if (typeof body.type !== 'string') return { ok: false, reason: 'payload.type: missing' };
        return { ok: true, body };
      }
      if (form.ssl_check) return { ok: true, body: form };
      if (typeof form.command !== 'string' || !form.command.startsWith('/'))
        return { ok: false, reason: 'neither a payload nor a slash command' };
      return { ok: true, body: form };
    }
    body = JSON.parse(raw);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message.slice(0, 200)}` };
  }
  if (!isObject(body)) return { ok: false, reason: 'body: not a JSON object' };
  if (typeof body.type !== 'string') return { ok: false, reason: 'type: missing' };
  return { ok: true, body };
}
