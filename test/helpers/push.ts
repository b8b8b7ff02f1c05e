/**
 * Sends Pub/Sub push requests to the local gateway the way the emulator (and Pub/Sub in the cloud)
 * does, or any body at all, to check what the push endpoints do with them.
 */
import { pushEndpoint } from '../../scripts/lib/local/pubsub-topology.js';
import { TOPICS, type TopicSpec } from '../../functions/src/platform/catalog.js';

export const topicSpec = (name: string): TopicSpec => TOPICS.find((t) => t.name === name)!;

/** A push body as Pub/Sub sends it. */
export function pushBody(
  data: Buffer | string | object,
  o: { messageId?: string; attributes?: Record<string, string>; subscription?: string } = {},
): string {
  const bytes = Buffer.isBuffer(data)
    ? data
    : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data), 'utf8');
  return JSON.stringify({
    message: {
      data: bytes.toString('base64'),
      attributes: o.attributes ?? {},
      messageId: o.messageId ?? `m-${Math.random().toString(36).slice(2)}`,
      publishTime: new Date().toISOString(),
    },
    ...(o.subscription ? { subscription: o.subscription } : {}),
  });
}

/** POSTs `body` to a topic's push endpoint; answers the status and text. */
export async function push(
  baseUrl: string,
  projectId: string,
  topic: string,
  body: string,
  contentType = 'application/json',
): Promise<{ status: number; text: string }> {
  const res = await fetch(pushEndpoint(baseUrl, projectId, topicSpec(topic)), {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: res.status, text: await res.text() };
}
