/**
 * Decodes a Pub/Sub push request and runs one use case. Push subscriptions call the function's URL
 * with `{"message":{"data","attributes","messageId","publishTime"},"subscription"}` (in the cloud
 * and from the emulator alike), so the function is an HTTP function that reads the request body
 * itself: whatever arrives, its bytes are at hand for the dead letter, and nothing a sender puts
 * in the body can make the framework's own event decoding throw a 500.
 *
 * Ack or retry: answering 2xx acknowledges. Input that can never succeed (a body that is not a
 * push, a payload the use case refuses with a permanent AppError, a write too large for Firestore)
 * is recorded as a dead letter with the bytes as received and the reason, then acknowledged (204).
 * Anything else (a timeout, a 5xx, an unexpected exception) answers 500: Pub/Sub redelivers with
 * backoff, then forwards to the dead-letter topic after the subscription's max delivery attempts.
 */
import { createHash } from 'node:crypto';
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { z } from 'zod';
import type { PushMessage } from '../../platform/bus.js';
import type { Container } from '../../platform/container.js';
import { getApp } from '../../wiring/app.js';
import { engineOf } from '../../wiring/engine.js';
import { subscriptionName, TOPICS } from '../../platform/catalog.js';
import { isAppError } from '../../shared/errors.js';

const pushSchema = z.object({
  message: z.object({
    data: z
      .string()
      .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'not base64')
      .optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    messageId: z.string().min(1).max(300).optional(),
    message_id: z.string().min(1).max(300).optional(),
    publishTime: z.string().max(100).optional(),
  }),
  subscription: z.string().max(500).optional(),
});

export type PushUseCase = (app: Container, message: PushMessage) => Promise<unknown>;

/**
 * `topics`: the topics this function is subscribed to (the step shards share one function). The
 * push endpoint's path names the topic (`.../projects/<p>/topics/<t>`); the first is the default.
 */
export function pubsubTrigger(topics: string | readonly string[], useCase: PushUseCase): HttpFunction {
  const served = typeof topics === 'string' ? [topics] : topics;
  return async (req: Request, res: Response) => {
    try {
      const app = await getApp();
      const message = decodePush(req, served);
      if ('undecodable' in message) {
        await deadLetter(app, message.poison, `undecodable Pub/Sub push body: ${message.undecodable}`);
      } else {
        await runUseCase(app, useCase, message);
      }
      res.status(204).end();
    } catch (err) {
      if (!res.headersSent) res.status(500).json({ error: { code: 'internal', message: 'will be retried' } });
      // Logged once here; getApp may be what failed, so log through the console as a last resort.
      const app = await getApp().catch(() => undefined);
      const log = app?.log.error.bind(app.log) ?? console.error;
      log('message handling failed; Pub/Sub will redeliver', { path: req.path, err });
    }
  };
}

async function runUseCase(app: Container, useCase: PushUseCase, message: PushMessage): Promise<void> {
  try {
    await useCase(app, message);
  } catch (err) {
    const permanent = permanentReason(err);
    if (permanent === undefined) throw err;
    await deadLetter(app, message, permanent);
  }
}

/**
 * Records the dead letter. Its fields are bounded so it always fits; should the write still fail
 * permanently, retrying would fail the same way without end, so the message is acknowledged and
 * the failure logged at ERROR with what identifies the message.
 */
async function deadLetter(app: Container, m: PushMessage, reason: string): Promise<void> {
  try {
    await engineOf(app).recordDeadLetter(m, reason);
  } catch (err) {
    const permanent = permanentReason(err);
    if (permanent === undefined) throw err;
    app.log.error('dead letter could not be recorded; acknowledged to stop redelivery', {
      topic: m.topic,
      messageId: m.messageId,
      size: m.data.length,
      reason,
      err,
    });
  }
}

/** Why an error can never succeed on redelivery, or undefined when it is worth retrying. */
export function permanentReason(err: unknown): string | undefined {
  if (isAppError(err)) return err.transient ? undefined : `${err.code}: ${err.message}`;
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : '';
  // A document or request over Firestore's size limits fails the same way every time.
  if ((e?.code === 3 || e?.code === 8) && /maximum|exceeds|too large|too big/i.test(message))
    return `too large to store: ${message.slice(0, 500)}`;
  return undefined;
}

type Decoded = PushMessage | { undecodable: string; poison: PushMessage };

/** The push's message, or why the body is not one (with the whole body kept as the poison). */
function decodePush(req: Request, served: readonly string[]): Decoded {
  const body = rawBodyOf(req);
  const topic = topicOfPath(req.path, served);
  const sub = TOPICS.find((t) => t.name === topic);
  const subscription = sub ? subscriptionName(sub) : undefined;
  const poison = (why: string): Decoded => ({
    undecodable: why,
    poison: {
      topic,
      // The same body pushed again is the same dead letter.
      messageId: `push-${createHash('sha256').update(body).digest('hex').slice(0, 32)}`,
      data: body,
      attributes: {},
      payload: 'push-body',
      ...(subscription ? { subscription } : {}),
    },
  });
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return poison('the body is not JSON');
  }
  const parsed = pushSchema.safeParse(json);
  if (!parsed.success)
    return poison(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const m = parsed.data.message;
  const messageId = m.messageId ?? m.message_id;
  if (!messageId) return poison('message.messageId: missing');
  return {
    topic,
    messageId,
    data: Buffer.from(m.data ?? '', 'base64'),
    attributes: m.attributes ?? {},
    subscription: parsed.data.subscription ?? subscription ?? '',
    ...(m.publishTime ? { publishTime: m.publishTime } : {}),
  };
}

/** The request body exactly as received: the framework's parsers keep it as `rawBody`. */
function rawBodyOf(req: Request): Buffer {
  if (req.rawBody) return req.rawBody;
  if (Buffer.isBuffer(req.body)) return req.body;
  if (typeof req.body === 'string') return Buffer.from(req.body, 'utf8');
  return Buffer.alloc(0); // no body at all
}

function topicOfPath(path: string, served: readonly string[]): string {
  const named = /\/topics\/([^/?]+)\/?$/.exec(path)?.[1];
  return named && served.includes(named) ? named : served[0]!;
}
