/**
 * The one error mapping for Slack's ack path (STYLE 6): a listener body returns what to ack with;
 * a refusal becomes an ephemeral answer naming the reason; anything else is logged and answered
 * plainly, so the person is never left with Slack's "dispatch_failed".
 */
import { isAppError } from '../../shared/errors.js';
import { internalText, refusalText } from '../core/replies.js';
import type { SlackRuntime } from '../deps.js';

type Ack = (response?: never) => Promise<void>;

export async function guardAck(
  rt: SlackRuntime,
  ack: unknown,
  body: () => Promise<Record<string, unknown> | undefined>,
): Promise<void> {
  const send = ack as (r?: Record<string, unknown>) => Promise<void>;
  let response: Record<string, unknown> | undefined;
  try {
    response = await body();
  } catch (err) {
    if (isAppError(err) && !err.transient) response = { response_type: 'ephemeral', text: refusalText(err) };
    else {
      rt.deps.log.error('Slack listener failed', { err });
      response = { response_type: 'ephemeral', text: internalText };
    }
  }
  await send(response);
}

export type { Ack };
