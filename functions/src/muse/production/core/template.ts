/**
 * Safe mode's strict template workflow: no free generation. The narrative, visual spec and motion
 * spec are a fixed template filled only from the Bible (name, first pillar) and the topic, so an
 * identity that has drifted cannot drift further. The filled topic is cleaned (letters, digits and
 * spaces only, banned terms removed, 80 characters at most) so a hostile topic cannot smuggle a
 * banned term or a shout into the output. Pure.
 */
import type { Bible } from './bible.js';
import type { Generation } from './specs.js';

/** The topic reduced to calm, safe words; falls back to "today's conversation". */
export function cleanTopic(topic: string, bible: Bible): string {
  let t = topic
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}\s'-]/gu, ' ')
    .toLowerCase();
  for (const term of bible.bannedTerms) {
    const escaped = term.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    t = t.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu'), ' ');
  }
  t = t.replace(/\s+/g, ' ').trim().split(' ').slice(0, 12).join(' ').slice(0, 80).trim();
  return t || "today's conversation";
}

export const TEMPLATE_VERSION = 1;

export function fillTemplate(bible: Bible, topic: string): Generation {
  const t = cleanTopic(topic, bible);
  const pillar = bible.pillars[0]!;
  const keyword = pillar.keywords[0]!;
  const shots = [
    { description: `Wide establishing view of a scene about ${t}`, durationSec: 8 },
    { description: 'Close detail of hands at work', durationSec: 12 },
    { description: 'Quiet closing frame with space for a caption', durationSec: 10 },
  ];
  return {
    narrative: {
      title: `${bible.name} on ${t}`,
      hook: `People everywhere are talking about ${t}.`,
      body: `We want to look at it slowly, together, and with care. Our thread today is ${pillar.name.toLowerCase()}, and the word for it is ${keyword}.`,
      cta: 'Look closer, and share what you notice.',
    },
    visual: {
      prompt: `A calm, softly lit still life that suggests ${t}, warm natural light, hands in frame, no text`,
      style: 'muted natural palette, shallow depth of field, documentary framing',
      aspectRatio: '9:16',
      shots,
    },
    motion: {
      totalDurationSec: 30,
      timing: {
        bpm: 80,
        cuts: [
          { shot: 1, startSec: 0, durationSec: 8 },
          { shot: 2, startSec: 8, durationSec: 12 },
          { shot: 3, startSec: 20, durationSec: 10 },
        ],
      },
      cameraMoves: [
        { shot: 1, move: 'static lock-off', easing: 'linear' },
        { shot: 2, move: 'slow push-in', easing: 'ease-in-out' },
        { shot: 3, move: 'static lock-off', easing: 'linear' },
      ],
      transitions: [
        { between: [1, 2], type: 'cross dissolve', durationSec: 0.5 },
        { between: [2, 3], type: 'cross dissolve', durationSec: 0.5 },
      ],
    },
  };
}
