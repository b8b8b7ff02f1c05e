/**
 * Scheduler jobs: Cloud Scheduler publishes `{"job":"<name>"}` to the job's topic on its cron (and
 * the local scheduler does the same); a use case may also ask for a run now with
 * `{"job":"<name>","kick":true}` (the Slack outbox after a commit). Anything else is not a firing:
 * it is a dead letter (permanent) and the job does not run.
 *
 * The use case runs with `firedAt`, the publish time floored to the minute. A redelivered message
 * has the same publish time, so a use case keyed on `firedAt` is idempotent per firing.
 */
import { z } from 'zod';
import type { Container } from '../../platform/container.js';
import { describeIssues, invalidInput } from '../../shared/errors.js';
import { pubsubTrigger } from './push.js';

export type ScheduledUseCase = (app: Container, job: { firedAt: Date }) => Promise<unknown>;

export function firedAtOf(publishTime: string | undefined, now: Date): Date {
  const t = publishTime ? new Date(publishTime) : now;
  const ms = Number.isNaN(t.getTime()) ? now.getTime() : t.getTime();
  return new Date(Math.floor(ms / 60_000) * 60_000);
}

/** The only message a job's topic accepts. */
export const firingSchema = (job: string) =>
  z.strictObject({ job: z.literal(job), kick: z.literal(true).optional() });

export function scheduledTrigger(topic: string, useCase: ScheduledUseCase) {
  const schema = firingSchema(topic);
  return pubsubTrigger(topic, async (app, m) => {
    let json: unknown;
    try {
      json = JSON.parse(m.data.toString('utf8'));
    } catch {
      throw invalidInput(`not a firing of job "${topic}": the message is not JSON`);
    }
    const firing = schema.safeParse(json);
    if (!firing.success)
      throw invalidInput(
        `not a firing of job "${topic}" (expected {"job":"${topic}"}): ${describeIssues(firing.error.issues).join('; ')}`,
      );
    // The local scheduler stamps its (possibly sped-up) schedule time; Cloud Scheduler does not, so
    // in the cloud the publish time stands for it.
    const firedAt = firedAtOf(m.attributes.scheduledTime ?? m.publishTime, app.clock.now());
    const result = await useCase(app, { firedAt });
    app.log.info(`scheduled job ${topic} done`, {
      firedAt: firedAt.toISOString(),
      ...(firing.data.kick ? { kick: true } : {}),
      result: result as Record<string, unknown>,
    });
  });
}
