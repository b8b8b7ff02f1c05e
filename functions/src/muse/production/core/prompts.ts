/**
 * The model requests of free generation. The Bible's voice is the system instruction of every
 * step; pillars and banned terms are spelled out so the model can stay inside them. Prompts are
 * labelled lines (`Topic: ...`) so any model, the local one included, finds the topic. Pure.
 */
import type { ModelRequest } from '../../../model/port.js';
import type { Bible } from './bible.js';
import { RESPONSE_SCHEMAS, scriptOf, type Narrative, type VisualSpec } from './specs.js';

/** The Bible as a system instruction. */
export function systemOf(bible: Bible): string {
  return [
    bible.voice.description,
    `Pillars (touch at least one): ${bible.pillars.map((p) => `${p.name} (${p.keywords.join(', ')})`).join('; ')}.`,
    `Banned terms: ${bible.bannedTerms.join(', ') || '(none)'}`,
    `Keep every sentence under ${bible.voice.maxSentenceWords} words.`,
    bible.voice.calm ? 'Never shout: no exclamation marks, no words in capitals.' : '',
    'Answer with JSON only, matching the response schema.',
  ]
    .filter(Boolean)
    .join('\n');
}

export function narrativeRequest(bible: Bible, topic: string): ModelRequest {
  return {
    purpose: 'narrative',
    system: systemOf(bible),
    prompt: [
      `Topic: ${topic}`,
      'Write the narrative of a 30-second vertical video about this trending topic: a title, a hook (one line that stops the scroll), a body of 2 to 4 sentences, and a call to action (cta).',
    ].join('\n'),
    responseSchema: RESPONSE_SCHEMAS.narrative,
    temperature: 0.8,
  };
}

export function visualRequest(bible: Bible, topic: string, narrative: Narrative): ModelRequest {
  return {
    purpose: 'visual',
    system: systemOf(bible),
    prompt: [
      `Topic: ${topic}`,
      `Narrative title: ${narrative.title}`,
      `Script: ${scriptOf(narrative).replace(/\n+/g, ' ')}`,
      'Write the visual spec: one image-generation prompt, a style line, an aspect ratio (like 9:16) and a shot list of 3 to 6 shots (description, durationSec).',
    ].join('\n'),
    responseSchema: RESPONSE_SCHEMAS.visual,
    temperature: 0.6,
  };
}

export function motionRequest(bible: Bible, topic: string, visual: VisualSpec): ModelRequest {
  return {
    purpose: 'motion',
    system: systemOf(bible),
    prompt: [
      `Topic: ${topic}`,
      'Shots:',
      ...visual.shots.map((s, i) => `- shot ${i + 1} (${s.durationSec}s): ${s.description}`),
      'Write the motion spec: totalDurationSec, timing (bpm and one cut per shot: shot, startSec, durationSec, in order, without overlaps), a camera move per shot (shot, move, easing) and transitions between consecutive shots (between, type, durationSec).',
    ].join('\n'),
    responseSchema: RESPONSE_SCHEMAS.motion,
    temperature: 0.4,
  };
}
