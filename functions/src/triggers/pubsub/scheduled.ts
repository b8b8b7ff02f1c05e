/**
 * Scheduler jobs: Cloud Scheduler publishes to a topic on its cron; the job's use case runs with
 * `firedAt`, the publish time floored to the minute. A redelivered message has the same publish
 * time, so a use case keyed on `firedAt` is idempotent per firing.
 */
import type { Container } from '../../platform/container.js';
import { pubsubTrigger } from './push.js';

export type ScheduledUseCase = (app: Container, job: { firedAt: Date }) => Promise<unknown>;

export function firedAtOf(publishTime: string | undefined, now: Date): Date {
  const t = publishTime ? new Date(publishTime) : now;
  const ms = Number.isNaN(t.getTime()) ? now.getTime() : t.getTime();
  return new Date(Math.floor(ms / 60_000) * 60_000);
}

export function scheduledTrigger(topic: string, useCase: ScheduledUseCase) {
  return pubsubTrigger(topic, async (app, m) => {
    // The local scheduler stamps its (possibly sped-up) schedule time; Cloud Scheduler does not, so
    // in the cloud the publish time stands for it.
    const firedAt = firedAtOf(m.attributes.scheduledTime ?? m.publishTime, app.clock.now());
    const result = await useCase(app, { firedAt });
    app.log.info(`scheduled job ${topic} done`, {
      firedAt: firedAt.toISOString(),
      result: result as Record<string, unknown>,
    });
  });
}
