/**
 * Decodes a Pub/Sub push delivered as a CloudEvent (Eventarc in the cloud; the functions framework
 * converts the emulator's raw push body to the same shape) and runs one use case.
 *
 * Ack or retry: returning acknowledges. Input that can never succeed (undecodable push, a payload
 * the use case refuses with a permanent AppError) is recorded as a dead letter with the raw bytes
 * and the reason, then acknowledged. Anything else (a timeout, a 5xx, an unexpected exception) is
 * thrown: the framework answers 500 and Pub/Sub redelivers with backoff.
 */
import type { CloudEvent } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { getContainer, type Container } from '../../platform/container.js';
import { recordDeadLetter, type PoisonMessage } from '../../engine/dead-letters.js';
import { isAppError } from '../../shared/errors.js';

const pushSchema = z.object({
  message: z.object({
    data: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    messageId: z.string().optional(),
    message_id: z.string().optional(),
    publishTime: z.string().optional(),
  }),
  subscription: z.string().optional(),
});

export type PushUseCase = (app: Container, message: PoisonMessage) => Promise<unknown>;

export function pubsubTrigger(topic: string, useCase: PushUseCase) {
  return async (event: CloudEvent<unknown>): Promise<void> => {
    const app = await getContainer();
    const parsed = pushSchema.safeParse(event.data);
    if (!parsed.success) {
      await recordDeadLetter(
        app,
        {
          topic,
          messageId: event.id ?? `unknown-${Date.now()}`,
          data: Buffer.from(JSON.stringify(event.data ?? null)),
          attributes: {},
        },
        'undecodable Pub/Sub push body',
      );
      return;
    }
    const m = parsed.data.message;
    const message: PoisonMessage = {
      // One function may serve several topics (the step shards): the push path names the one.
      topic: /\/topics\/([^/]+)$/.exec(event.source ?? '')?.[1] ?? topic,
      messageId: m.messageId ?? m.message_id ?? event.id,
      data: Buffer.from(m.data ?? '', 'base64'),
      attributes: m.attributes ?? {},
      ...(parsed.data.subscription ? { subscription: parsed.data.subscription } : {}),
      ...(m.publishTime ? { publishTime: m.publishTime } : {}),
    };
    try {
      await useCase(app, message);
    } catch (err) {
      if (isAppError(err) && !err.transient) {
        await recordDeadLetter(app, message, `${err.code}: ${err.message}`);
        return;
      }
      app.log.error('message handling failed; Pub/Sub will redeliver', {
        topic,
        messageId: message.messageId,
        err,
      });
      throw err;
    }
  };
}
