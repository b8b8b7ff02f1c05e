/** The Bus port on Pub/Sub. Topic handles are cached: creating one per publish costs a lookup each time. */
import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { Bus } from '../platform/bus.js';

export function createPubSubBus(pubsub: PubSub): Bus {
  const topics = new Map<string, Topic>();
  const topic = (name: string) => {
    let t = topics.get(name);
    if (!t) {
      // Publish at once: batching would add its max latency to every step hop.
      t = pubsub.topic(name, { batching: { maxMessages: 1, maxMilliseconds: 0 } });
      topics.set(name, t);
    }
    return t;
  };
  return {
    publish: (name, data, attributes) => topic(name).publishMessage({ json: data, attributes }),
    publishRaw: (name, data, attributes) => topic(name).publishMessage({ data, attributes }),
  };
}
