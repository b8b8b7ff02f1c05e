/**
 * The local model's producing purposes: narrative, visual, motion, plan and stage. Each returns its
 * natural content as an object; `local-answer.ts` turns that into text or fits it to a schema.
 */
import type { Rng } from './hash.js';
import {
  BODIES,
  CAMERA_MOVES,
  CTAS,
  EASINGS,
  HOOKS,
  PLAN_NOTES,
  SHOTS,
  STAGE_LINES,
  TITLES,
  TRANSITIONS,
  VISUAL_STYLES,
  fillTemplate,
} from './local-texts.js';

export interface Produced {
  /** The answer as prose, used when the caller asked for no schema. */
  text: string;
  /** The same content as named fields, used to fill a schema. */
  fields: Record<string, unknown>;
  /** True when the purpose answers in JSON even without a schema (specs and verdicts). */
  jsonByDefault: boolean;
}

export function narrative(topic: string, rng: Rng): Produced {
  const title = fillTemplate(rng.pick(TITLES), topic);
  const hook = fillTemplate(rng.pick(HOOKS), topic);
  const body = fillTemplate(rng.pick(BODIES), topic);
  const cta = fillTemplate(rng.pick(CTAS), topic);
  const tag = `#${topic.toLowerCase().replace(/[^a-z0-9]+/g, '')}`.slice(0, 30);
  const hashtags = [tag, '#musemade', rng.pick(['#slowcontent', '#goldenhour', '#everydaywonder'])];
  const text = `${hook}\n\n${body}\n\n${cta}`;
  return {
    text,
    jsonByDefault: false,
    fields: { title, hook, body, cta, callToAction: cta, hashtags, caption: `${hook} ${cta}`, text, topic },
  };
}

export function visual(topic: string, rng: Rng): Produced {
  const style = rng.pick(VISUAL_STYLES);
  const count = rng.int(3, 5);
  const pool = [...SHOTS];
  const shots: Array<{ description: string; durationSec: number }> = [];
  for (let i = 0; i < count; i++) {
    const [shot] = pool.splice(rng.int(0, pool.length - 1), 1);
    shots.push({ description: fillTemplate(shot ?? SHOTS[0], topic), durationSec: rng.int(2, 5) });
  }
  const aspectRatio = rng.pick(['9:16', '4:5', '1:1']);
  const frame = aspectRatio === '1:1' ? 'square' : 'vertical';
  const prompt = `${fillTemplate(topic, topic)}, seen through the muse's eyes: ${style}, ${frame} ${aspectRatio} composition, no text overlays`;
  const spec = {
    prompt,
    style,
    aspectRatio,
    shots,
    totalDurationSec: shots.reduce((s, x) => s + x.durationSec, 0),
    negativePrompt: 'logos, watermarks, distorted hands, harsh flash',
  };
  return { text: JSON.stringify(spec), fields: spec, jsonByDefault: true };
}

export function motion(topic: string, rng: Rng): Produced {
  const bpm = rng.pick([84, 92, 100, 110, 120]);
  const cuts = rng.int(3, 5);
  const beat = 60 / bpm;
  const timing = Array.from({ length: cuts }, (_, i) => ({
    shot: i + 1,
    startSec: Math.round(i * beat * 4 * 100) / 100,
    durationSec: Math.round(beat * 4 * 100) / 100,
  }));
  const transitions = Array.from({ length: cuts - 1 }, (_, i) => ({
    between: [i + 1, i + 2],
    type: rng.pick(TRANSITIONS),
    durationSec: rng.pick([0.2, 0.3, 0.5]),
  }));
  const cameraMoves = timing.map((t) => ({
    shot: t.shot,
    move: rng.pick(CAMERA_MOVES),
    easing: rng.pick(EASINGS),
  }));
  const totalSec = Math.round(cuts * beat * 4 * 100) / 100;
  const spec = {
    topic,
    timing: { bpm, totalSec, cuts: timing },
    transitions,
    cameraMoves,
    totalDurationSec: totalSec,
    loop: rng.next() < 0.5,
  };
  return { text: JSON.stringify(spec), fields: spec, jsonByDefault: true };
}

export function plan(topic: string, rng: Rng): Produced {
  const steps = [
    { id: 'narrative', does: `Write the hook, body and call to action for "${topic}"`, dependsOn: [] },
    {
      id: 'visual',
      does: 'Turn the narrative into a visual spec: prompt, style, shot list',
      dependsOn: ['narrative'],
    },
    { id: 'motion', does: 'Time the shots: transitions and camera moves', dependsOn: ['visual'] },
    {
      id: 'critic',
      does: 'Score drift against the identity Bible',
      dependsOn: ['narrative', 'visual', 'motion'],
    },
    { id: 'publish', does: 'Stage the asset record', dependsOn: ['critic'] },
  ];
  const note = rng.pick(PLAN_NOTES);
  const text = [
    `Plan for "${topic}":`,
    ...steps.map(
      (s, i) =>
        `${i + 1}. ${s.id}: ${s.does}${s.dependsOn.length ? ` (after ${s.dependsOn.join(', ')})` : ''}`,
    ),
    `Note: ${note}`,
  ].join('\n');
  return { text, fields: { topic, steps, tasks: steps, note, summary: text }, jsonByDefault: false };
}

export function stage(topic: string, rng: Rng): Produced {
  const text = fillTemplate(rng.pick(STAGE_LINES), topic);
  return { text, fields: { topic, summary: text, message: text, status: 'staged' }, jsonByDefault: false };
}
