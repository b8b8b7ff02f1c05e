/**
 * What the local live model says, decided from the turn alone so the same speech always gets the
 * same answer: rules keyed on the transcript (or on how long the person spoke) pick a tool call,
 * and the reply text follows from the tool's result.
 */
import { fnv1a } from './pcm.js';

/** One utterance the local model heard. */
export interface LocalTurn {
  /** 1 for the first utterance of the session. */
  index: number;
  transcript: string;
  seconds: number;
  /** The utterance's 16 kHz samples. */
  pcm: Int16Array;
}

export type LocalReply = { text: string; tool?: { name: string; args: Record<string, unknown> } };

/** A rule answers a turn, or passes (undefined) to the next rule. */
export type LocalRule = (turn: LocalTurn) => LocalReply | undefined;

const keyword =
  (pattern: RegExp, name: string, args: Record<string, unknown>, text: string): LocalRule =>
  (turn) =>
    pattern.test(turn.transcript) ? { text, tool: { name, args } } : undefined;

/** Utterances at least this long ask for the status when no keyword matched (a fake microphone's clip does). */
export const LONG_UTTERANCE_SECONDS = 1.5;

/** The rules tried after any a caller adds: the toolbox's tools by keyword, then by length. */
export const DEFAULT_RULES: LocalRule[] = [
  keyword(
    /\b(show|see|image|picture|asset|latest)\b/i,
    'show_asset',
    { assetId: 'latest' },
    'Let me show you.',
  ),
  keyword(/\b(status|doing|wallet|breaker)\b/i, 'get_status', {}, 'Let me check.'),
  keyword(/\b(intents?|plans?|next)\b/i, 'list_intents', { limit: 5 }, 'Let me look at my plans.'),
  keyword(/\b(verdict|critic|drift)\b/i, 'explain_last_verdict', {}, 'Let me ask the critic.'),
  (turn) =>
    turn.seconds >= LONG_UTTERANCE_SECONDS
      ? { text: 'Let me check.', tool: { name: 'get_status', args: {} } }
      : undefined,
];

export const GREETINGS = [
  'Hello! I am the muse. Ask me to show you my latest piece.',
  'Hi there. I am listening; ask me how I am doing.',
  'Good to hear you. Ask me about my plans.',
];

/** The answer to a turn without a tool: one of a few greetings, chosen by the audio itself. */
export function greeting(turn: LocalTurn): string {
  const bytes = new Uint8Array(turn.pcm.buffer, turn.pcm.byteOffset, turn.pcm.byteLength);
  return GREETINGS[fnv1a(bytes) % GREETINGS.length]!;
}

/** The stand-in transcript of an utterance when no test hook supplies one. */
export const placeholderTranscript = (seconds: number) => `(${seconds.toFixed(1)} s of speech)`;

/** What the muse says once a tool answered. */
export function afterTool(name: string, response: { output: unknown } | { error: string }): string {
  if ('error' in response) return `I could not do that: ${response.error}.`;
  const out = response.output as Record<string, unknown> | null | undefined;
  switch (name) {
    case 'show_asset': {
      const title =
        out && typeof out.title === 'string' ? out.title : out && typeof out.id === 'string' ? out.id : '';
      return title ? `Here it is: ${title}.` : 'Here it is.';
    }
    case 'get_status':
      return 'Here is how I am doing.';
    case 'list_intents':
      return 'Here is what I plan to make.';
    case 'explain_last_verdict':
      return out && typeof out.explanation === 'string'
        ? out.explanation
        : "Here is the critic's last verdict.";
    default:
      return 'Done.';
  }
}
