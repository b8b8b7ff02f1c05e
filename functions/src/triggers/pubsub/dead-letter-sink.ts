/**
 * Trigger: the dead-letter topic. Pub/Sub forwards a message here after its subscription's max
 * delivery attempts; it is recorded with its original topic so it can be replayed after a fix.
 */
import { recordDeadLetter } from '../../engine/dead-letters.js';
import { topicOfSubscription } from '../../platform/catalog.js';
import { pubsubTrigger } from './push.js';

export const handle = pubsubTrigger('dead-letter', async (app, m) => {
  const source = m.attributes.CloudPubSubDeadLetterSourceSubscription ?? 'unknown';
  const attempts = m.attributes.CloudPubSubDeadLetterSourceDeliveryCount ?? '?';
  const topic = source === 'unknown' ? 'unknown' : topicOfSubscription(source);
  const {
    CloudPubSubDeadLetterSourceSubscription: _s,
    CloudPubSubDeadLetterSourceDeliveryCount: _c,
    ...attributes
  } = m.attributes;
  await recordDeadLetter(
    app,
    { ...m, topic, attributes },
    `delivery failed ${attempts} times on subscription ${source}`,
  );
});
