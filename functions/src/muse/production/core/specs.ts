/**
 * What each production step must produce. The model answers with JSON (through the model port's
 * responseSchema); anything that does not parse against these schemas, or breaks the timing rules
 * below, is "garbage": retried, then a terminal failure with the raw answer kept.
 * Visual and motion are structured specs (prompt, shot list, timing), never media.
 */
import { z } from 'zod';

export const narrativeSchema = z.object({
  title: z.string().trim().min(1).max(200),
  /** The opening line that stops the scroll. */
  hook: z.string().trim().min(1).max(1000),
  body: z.string().trim().min(1).max(6000),
  /** The closing invitation (call to action). */
  cta: z.string().trim().min(1).max(1000),
});

export const shotSchema = z.object({
  description: z.string().trim().min(1).max(1000),
  durationSec: z.number().positive().max(120),
});

export const visualSpecSchema = z.object({
  prompt: z.string().trim().min(1).max(4000),
  style: z.string().trim().min(1).max(500),
  aspectRatio: z
    .string()
    .trim()
    .regex(/^\d{1,2}:\d{1,2}$/, 'must look like 9:16'),
  shots: z.array(shotSchema).min(1).max(24),
});

/** Motion timing: cuts on a beat grid, a camera move per shot, transitions between shots. */
export const motionSpecSchema = z.object({
  totalDurationSec: z.number().positive().max(600),
  timing: z.object({
    bpm: z.number().positive().max(300),
    cuts: z
      .array(
        z.object({
          shot: z.number().int().positive(),
          startSec: z.number().min(0),
          durationSec: z.number().positive(),
        }),
      )
      .min(1)
      .max(48),
  }),
  cameraMoves: z
    .array(
      z.object({
        shot: z.number().int().positive(),
        move: z.string().trim().min(1).max(200),
        easing: z.string().trim().min(1).max(100),
      }),
    )
    .max(48),
  transitions: z
    .array(
      z.object({
        between: z.array(z.number().int().positive()).length(2),
        type: z.string().trim().min(1).max(100),
        durationSec: z.number().min(0).max(10),
      }),
    )
    .max(48),
});

export type Narrative = z.infer<typeof narrativeSchema>;
export type VisualSpec = z.infer<typeof visualSpecSchema>;
export type MotionSpec = z.infer<typeof motionSpecSchema>;

/** Everything a production run generates: what the critic scores and publish stages. */
export interface Generation {
  narrative: Narrative;
  visual: VisualSpec;
  motion: MotionSpec;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

function fromZod<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`),
  };
}

export const parseNarrative = (v: unknown): Parsed<Narrative> => fromZod(narrativeSchema, v);
export const parseVisualSpec = (v: unknown): Parsed<VisualSpec> => fromZod(visualSpecSchema, v);

/** Rounding slack for timings, in seconds (models round to hundredths). */
const SLACK = 0.05;

/**
 * A motion spec must also be consistent in itself: cuts do not overlap and end within the total
 * duration; camera moves and transitions name shots that have a cut.
 */
export function parseMotionSpec(v: unknown): Parsed<MotionSpec> {
  const r = fromZod(motionSpecSchema, v);
  if (!r.ok) return r;
  const m = r.value;
  const problems: string[] = [];
  const cuts = [...m.timing.cuts].sort((a, b) => a.startSec - b.startSec);
  const shots = new Set(cuts.map((c) => c.shot));
  cuts.forEach((c, i) => {
    const prev = cuts[i - 1];
    if (prev && c.startSec < prev.startSec + prev.durationSec - SLACK)
      problems.push(`timing.cuts: shot ${c.shot} overlaps shot ${prev.shot}`);
    if (c.startSec + c.durationSec > m.totalDurationSec + SLACK)
      problems.push(`timing.cuts: shot ${c.shot} ends after totalDurationSec`);
  });
  for (const mv of m.cameraMoves)
    if (!shots.has(mv.shot)) problems.push(`cameraMoves: shot ${mv.shot} has no cut`);
  for (const t of m.transitions)
    if (!t.between.every((s) => shots.has(s)))
      problems.push(`transitions: ${t.between.join('-')} names a shot with no cut`);
  return problems.length ? { ok: false, problems } : r;
}

/**
 * Reads a model answer as JSON: the port's parsed `json` when present, else the text (a model may
 * wrap JSON in a Markdown fence, which is stripped). Returns undefined when there is no JSON at all.
 */
export function answerJson(res: { json?: unknown; text: string }): unknown {
  if (res.json !== undefined) return res.json;
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(res.text);
  const body = (fenced ? fenced[1]! : res.text).trim();
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** JSON schemas handed to the model as responseSchema (Gemini's OpenAPI subset: no $ref, no unions). */
const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;
const obj = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
});

/** JSON schemas handed to the model as responseSchema (Gemini's OpenAPI subset: no $ref, no unions). */
export const RESPONSE_SCHEMAS = {
  narrative: obj({ title: str, hook: str, body: str, cta: str }),
  visual: obj({
    prompt: str,
    style: str,
    aspectRatio: str,
    shots: { type: 'array', items: obj({ description: str, durationSec: num }) },
  }),
  motion: obj({
    totalDurationSec: num,
    timing: obj({
      bpm: num,
      cuts: { type: 'array', items: obj({ shot: int, startSec: num, durationSec: num }) },
    }),
    cameraMoves: { type: 'array', items: obj({ shot: int, move: str, easing: str }) },
    transitions: {
      type: 'array',
      items: obj({ between: { type: 'array', items: int }, type: str, durationSec: num }),
    },
  }),
} satisfies Record<string, Record<string, unknown>>;

/** The narrative as one text: hook, body and call to action, one paragraph each. */
export const scriptOf = (n: Narrative): string => `${n.hook}\n\n${n.body}\n\n${n.cta}`;
