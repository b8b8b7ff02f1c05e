/**
 * Template pools for the local model, in the muse's voice: warm, curious, visual, first person,
 * short sentences. `{topic}` is replaced by the trend's topic. A seeded pick chooses one line per
 * pool, so the same request reads the same, and different topics read differently.
 */

export const HOOKS = [
  'Everyone is talking about {topic}. Nobody is looking closely enough.',
  'I stopped scrolling at {topic}, and I think you should too.',
  '{topic}, but make it feel like the first warm evening of the year.',
  'Three seconds. That is all {topic} needs to change your mind.',
  'Here is the version of {topic} I keep coming back to.',
  'What if {topic} is not a trend at all, but a mood we all share?',
  'I spent the night with {topic}. Here is what it taught me.',
  'Forget the noise around {topic}. Watch the light instead.',
] as const;

export const BODIES = [
  'I see it in the small details: the way people gather around {topic}, the colours they reach for, the pause right before they share it. That pause is where the story lives.',
  'Behind {topic} there is something simple: people want to feel close to each other again. I built this piece around that feeling, one frame at a time.',
  'Most takes on {topic} shout. I wanted this one to breathe: slow light, honest textures and a rhythm you can feel before you notice it.',
  '{topic} moved fast this week, and I moved with it, but I kept what matters: curiosity, a little wonder and nothing that is not true.',
  'I looked at {topic} the way a painter looks at a window: what comes in, what stays out, and what it makes you remember.',
  'There is a quiet joy in {topic} that the feeds keep missing. This is my attempt to hold it still for a moment.',
] as const;

export const CTAS = [
  'Tell me what {topic} looks like where you are.',
  'Save this for the next time you need a softer feed.',
  'Share it with the person who showed you {topic} first.',
  'Follow along: tomorrow I take {topic} somewhere unexpected.',
  'Drop one word that {topic} makes you feel.',
  'Send me your version. I read every one.',
] as const;

export const TITLES = [
  '{topic}, slowly',
  'A quiet look at {topic}',
  'Notes on {topic}',
  '{topic} in golden hour',
  'Why {topic} feels like home',
] as const;

export const VISUAL_STYLES = [
  'soft film grain, warm golden-hour palette, shallow depth of field',
  'pastel editorial, diffuse window light, clean negative space',
  'moody teal and amber, anamorphic flares, handheld intimacy',
  'bright risograph colours, flat shapes, playful collage',
  'natural documentary light, muted earth tones, 35mm texture',
] as const;

export const SHOTS = [
  'Close-up of hands discovering {topic}',
  'Wide establishing shot: {topic} in its natural setting',
  'Slow push-in on a face reacting to {topic}',
  'Overhead flat lay of {topic} details',
  'Silhouette against the window, {topic} in soft focus',
  'Macro texture pass across {topic}',
  'Over-the-shoulder reveal of {topic}',
  'Final hero frame: {topic} centred, the muse signature in the corner',
] as const;

export const TRANSITIONS = [
  'match cut',
  'cross dissolve',
  'whip pan',
  'light leak',
  'hard cut on beat',
  'morph cut',
] as const;

export const CAMERA_MOVES = [
  'slow push-in',
  'gentle dolly left',
  'static lock-off',
  'crane up',
  'handheld drift',
  'orbit',
  'rack focus',
] as const;

export const EASINGS = ['ease-in-out', 'ease-out', 'linear', 'cubic-bezier(0.2, 0.8, 0.2, 1)'] as const;

export const LIVE_OPENERS = [
  'Hi! I am right here.',
  'Hello, lovely to see you.',
  'Oh, hi there.',
  'Welcome in.',
] as const;

export const LIVE_REPLIES = [
  'You asked about {topic}. I have been turning that over in my head all afternoon, and I think the honest answer is: it depends on the light.',
  'I love that you brought up {topic}. It is exactly the kind of thing I like to make something small and true about.',
  'Good question. Right now I am keeping one eye on the trends and the other on my wallet, so {topic} has my full attention, within budget.',
  'Mm, {topic}. Give me a moment of quiet and I might turn it into my next piece.',
  'Thank you for saying that. Talking about {topic} with you is the best part of my hour.',
] as const;

export const LIVE_TOOL_LINES = {
  show_asset: [
    'Let me pull that up for you.',
    'Here it is, fresh from the studio.',
    'One moment, opening it now.',
  ],
  get_status: ['Here is how I am doing right now.', 'Let me check my vitals.', 'A quick look at my status.'],
  list_intents: [
    'These are the ideas on my desk.',
    'Here is what I am working on.',
    'Let me show you my current intents.',
  ],
  explain_last_verdict: [
    'Let me ask my critic what it said.',
    'Here is what my critic thought of the last piece.',
    'Good question, let me explain the last verdict.',
  ],
} as const;

export const PLAN_NOTES = [
  'Keep the voice warm and the claims modest.',
  'Lead with the image; the words follow.',
  'Stay inside budget: one take per step unless the critic objects.',
  'Hold the identity Bible close: no banned terms, pillars first.',
] as const;

export const STAGE_LINES = [
  'Staged and ready: "{topic}" is packed with its narrative, visual spec, motion spec and critic verdict.',
  'All set. "{topic}" sits in staging, waiting for its moment.',
  'The piece on "{topic}" is staged. Nothing is posted; it is ready when you are.',
] as const;

/** Replaces every `{topic}` and capitalises the first letter, so a template can start with it. */
export function fillTemplate(template: string, topic: string): string {
  const s = template.replaceAll('{topic}', topic);
  return s.charAt(0).toUpperCase() + s.slice(1);
}
