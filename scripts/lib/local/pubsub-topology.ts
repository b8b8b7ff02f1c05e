/**
 * Creates the catalog's topics and push subscriptions on the Pub/Sub emulator, pointing at the local
 * gateway, with the same dead-letter and retry policies infra/ declares. Idempotent: re-running it
 * updates push endpoints (the gateway's port changes between runs).
 */
import type { PubSub } from '@google-cloud/pubsub';
import {
  DEAD_LETTER_TOPIC,
  subscriptionName,
  TOPICS,
  type TopicSpec,
} from '../../../functions/src/platform/catalog.js';

const ALREADY_EXISTS = 6;

/** The push endpoint of a topic's subscription; with the gateway's `pushToken` when it checks one. */
export const pushEndpoint = (base: string, projectId: string, t: TopicSpec, pushToken?: string) =>
  `${base}/pubsub/${t.subscriber}/projects/${projectId}/topics/${t.name}` +
  (pushToken ? `?token=${encodeURIComponent(pushToken)}` : '');

export async function ensureTopology(
  pubsub: PubSub,
  opts: { projectId: string; pushBase: string; pushToken?: string },
): Promise<void> {
  await Promise.all(
    TOPICS.map((t) =>
      pubsub.createTopic(t.name).catch((err: { code?: number }) => {
        if (err.code !== ALREADY_EXISTS) throw err;
      }),
    ),
  );
  await Promise.all(
    TOPICS.map(async (t) => {
      const name = subscriptionName(t);
      const pushEndpointUrl = pushEndpoint(opts.pushBase, opts.projectId, t, opts.pushToken);
      const options = {
        pushConfig: { pushEndpoint: pushEndpointUrl },
        ackDeadlineSeconds: t.ackDeadlineSeconds,
        retryPolicy: {
          minimumBackoff: { seconds: t.minBackoffSeconds },
          maximumBackoff: { seconds: t.maxBackoffSeconds },
        },
        ...(t.name === DEAD_LETTER_TOPIC
          ? {}
          : {
              deadLetterPolicy: {
                deadLetterTopic: `projects/${opts.projectId}/topics/${DEAD_LETTER_TOPIC}`,
                maxDeliveryAttempts: t.maxDeliveryAttempts,
              },
            }),
      };
      try {
        await pubsub.topic(t.name).createSubscription(name, options);
      } catch (err) {
        if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
        await pubsub.subscription(name).modifyPushConfig({ pushEndpoint: pushEndpointUrl });
      }
    }),
  );
}

/** Removes the push subscriptions, so the emulator stops calling a gateway that is gone. */
export async function removeSubscriptions(pubsub: PubSub): Promise<void> {
  await Promise.all(
    TOPICS.map((t) =>
      pubsub
        .subscription(subscriptionName(t))
        .delete()
        .catch(() => undefined),
    ),
  );
}
