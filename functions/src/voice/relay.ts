/**
 * From the live model's events to the client's voice frames, for one session: audio passes
 * through; transcript deltas are gathered into the turn's text so far on each side (the page
 * replaces a line rather than appending pieces), closed when the other side starts or the turn
 * ends; tool calls run through the toolbox, their results going to the client and, together, back
 * to the model (unless it cancelled them).
 */
import type { ToolDeclaration } from '../model/port.js';
import {
  audioOutFrame,
  interruptedFrame,
  transcriptFrame,
  turnCompleteFrame,
  voiceErrorFrame,
  voiceToolResultFrame,
} from './frames.js';
import type { LiveEvent, LiveSession, LiveToolCall, LiveToolResponse } from './port.js';

/** The toolbox, as `stream/toolbox.ts` builds it. */
export interface VoiceToolbox {
  readonly declarations: ToolDeclaration[];
  run(name: string, args: Record<string, unknown>): Promise<unknown>;
}

export function createRelay(deps: {
  out: (text: string) => void;
  toolbox: VoiceToolbox;
  maxToolCalls: number;
  /** The session, once open (tool responses go to it). */
  session: () => LiveSession | undefined;
  /** False once the session ended: nothing more is relayed. */
  live: () => boolean;
  /** Something happened (the idle timer restarts). */
  onActivity: () => void;
  /** The model ended the session. */
  onClosed: () => void;
}): (e: LiveEvent) => void {
  const { out } = deps;
  let user = '';
  let userOpen = false;
  let muse = '';
  const cancelled = new Set<string>();

  function finishUser(): void {
    if (!userOpen) return;
    out(transcriptFrame('user', user, true));
    user = '';
    userOpen = false;
  }

  function finishMuse(): void {
    if (muse) out(transcriptFrame('muse', muse, true));
    muse = '';
  }

  async function runTools(calls: LiveToolCall[]): Promise<void> {
    const responses: LiveToolResponse[] = [];
    for (const [i, call] of calls.entries()) {
      const { id, name, args } = call;
      if (i >= deps.maxToolCalls) {
        responses.push({ id, name, response: { error: `at most ${deps.maxToolCalls} tool calls at once` } });
        continue;
      }
      const shown = () => deps.live() && !cancelled.has(id);
      try {
        const result = await deps.toolbox.run(name, args);
        responses.push({ id, name, response: { output: result } });
        if (shown()) out(voiceToolResultFrame(name, args, { ok: true, result }));
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        responses.push({ id, name, response: { error } });
        if (shown()) out(voiceToolResultFrame(name, args, { ok: false, error }));
      }
    }
    const wanted = responses.filter((r) => !cancelled.has(r.id));
    if (deps.live() && wanted.length) deps.session()?.sendToolResponses(wanted);
  }

  return (e) => {
    if (!deps.live()) return;
    deps.onActivity();
    switch (e.type) {
      case 'audio':
        finishUser();
        return out(audioOutFrame(e.pcm));
      case 'transcript':
        if (e.role === 'user') {
          user += e.text;
          userOpen = !e.finished;
          out(transcriptFrame('user', user, e.finished));
          if (e.finished) user = '';
          return;
        }
        finishUser();
        muse += e.text;
        if (e.text || e.finished) out(transcriptFrame('muse', muse, e.finished));
        if (e.finished) muse = '';
        return;
      case 'tool_call':
        finishUser();
        return void runTools(e.calls);
      case 'tool_call_cancelled':
        for (const id of e.ids) cancelled.add(id);
        return;
      case 'interrupted':
        finishMuse();
        return out(interruptedFrame());
      case 'turn_complete':
        finishUser();
        finishMuse();
        return out(turnCompleteFrame());
      case 'closed':
        if (e.error) out(voiceErrorFrame('model_closed', `the muse's voice connection ended: ${e.reason}`));
        return deps.onClosed();
    }
  };
}
