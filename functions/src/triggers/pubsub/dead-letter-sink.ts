/**
 * Trigger: the dead-letter topic. Pub/Sub forwards a message here after its subscription's max
 * delivery attempts; it is recorded with its original topic and subscription so it can be
 * replayed after a fix. A step message's step also fails with the reason, so its run ends.
 * Recording always fits (dead-letters.ts bounds every field), so this never retries without end.
 */
import { DEAD_LETTER_TOPIC, STEP_TOPICS, topicOfSubscription } from '../../platform/catalog.js';
import { engineOf } from '../../wiring/engine.js';
import { pubsubTrigger } from './push.js';

export const handle = pubsubTrigger(DEAD_LETTER_TOPIC, async (app, m) => {
  const source = m.attributes.CloudPubSubDeadLetterSourceSubscription ?? 'unknown';
  const attempts = m.attributes.CloudPubSubDeadLetterSourceDeliveryCount ?? '?';
  const topic = source === 'unknown' ? 'unknown' : topicOfSubscription(source);
  const {
    CloudPubSubDeadLetterSourceSubscription: _s,
    CloudPubSubDeadLetterSourceDeliveryCount: _c,
    ...attributes
  } = m.attributes;
  const reason = `delivery failed ${attempts} times on subscription ${source}`;
  const message = { ...m, topic, attributes, subscription: source };
  await engineOf(app).acceptDeadLetter(message, reason, STEP_TOPICS.includes(topic));
});
