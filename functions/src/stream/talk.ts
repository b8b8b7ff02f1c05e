/**
 * Talking to the muse: a `say` goes to the model (purpose 'live') with the toolbox declared; the
 * answer comes back as a `reply` frame and each tool call as a `tool_result` frame. Nothing here
 * writes: the toolbox only reads.
 */
import type { Logger } from '../platform/log.js';
import type { ModelPort } from '../model/port.js';
import { errorFrame, replyFrame, toolResultFrame, type SayFrame } from './core/frames.js';
import type { Toolbox } from './toolbox.js';

const SYSTEM = [
  'You are the muse, an autonomous AI content creator, talking live with a visitor of your status page.',
  'Answer briefly and warmly in your own voice. When the visitor asks to see something, use a tool:',
  'show_asset for a staged piece, get_status for how you are doing, list_intents for what you plan,',
  "explain_last_verdict for the critic's last judgement. You cannot change anything from here.",
].join(' ');

/** At most this many tool calls are run for one message, whatever the model asks for. */
const MAX_TOOL_CALLS = 4;

export type Talk = (say: SayFrame, send: (text: string) => void) => Promise<void>;

export function createTalk(deps: { model: ModelPort; toolbox: Toolbox; log: Logger }): Talk {
  return async (say, send) => {
    let answer;
    try {
      answer = await deps.model.generate({
        purpose: 'live',
        system: SYSTEM,
        prompt: say.text,
        tools: deps.toolbox.declarations,
        maxOutputTokens: 512,
      });
    } catch (err) {
      deps.log.warn('live model call failed', { err });
      send(errorFrame('talk_failed', 'the muse could not answer just now; try again'));
      return;
    }
    if (answer.text) send(replyFrame(say.id, answer.text));
    for (const call of answer.toolCalls.slice(0, MAX_TOOL_CALLS)) {
      try {
        const result = await deps.toolbox.run(call.name, call.args);
        send(toolResultFrame(say.id, call.name, call.args, { ok: true, result }));
      } catch (err) {
        send(toolResultFrame(say.id, call.name, call.args, { ok: false, error: (err as Error).message }));
      }
    }
  };
}
