/**
 * VVS, the viral velocity score (0-100), per topic. Pure.
 *
 * For each item (post or article) mentioning the topic, with age a (hours, 0 for timestamps in the
 * future) and engagement e (Reddit: score + comments; feeds: comment count when given, else 0):
 *
 *   recency weight          w = s · 0.5 ^ (a / halfLifeHours)      (halfLifeHours = 6; a > 48 h ignored;
 *                                                                    s = the source's weight, default 1)
 *   mention velocity        M = Σ w                                 (decayed mentions)
 *   engagement velocity     E = Σ w · e / max(a, 1)                 (decayed engagement per hour)
 *   VVS = 100 · (0.4 · (1 − exp(−M / 3)) + 0.6 · (1 − exp(−E / 400)))
 *
 * Each velocity saturates (three fresh mentions give 63% of the mention part, 400 engagements an
 * hour 63% of the engagement part), so no single huge post pins the score at 100. Engagement weighs
 * more than mentions: a topic that feeds only write about, with nobody engaging, tops out at 40 and
 * never crosses the default threshold of 50 on its own.
 */
export interface VvsParams {
  halfLifeHours: number;
  maxAgeHours: number;
  mentionScale: number;
  engagementScale: number;
  mentionWeight: number;
}

export const DEFAULT_VVS: Readonly<VvsParams> = Object.freeze({
  halfLifeHours: 6,
  maxAgeHours: 48,
  mentionScale: 3,
  engagementScale: 400,
  mentionWeight: 0.4,
});

export interface Mention {
  at: number; // epoch ms
  engagement: number;
  /** The weight of the source it came from (default 1). */
  weight?: number;
}

export interface Velocity {
  mentionVelocity: number;
  engagementVelocity: number;
  vvs: number;
}

const HOUR = 3_600_000;

export function scoreVvs(mentions: readonly Mention[], nowMs: number, p: VvsParams = DEFAULT_VVS): Velocity {
  let m = 0;
  let e = 0;
  for (const x of mentions) {
    const age = Math.max(0, (nowMs - x.at) / HOUR);
    if (age > p.maxAgeHours) continue;
    const w = (x.weight ?? 1) * Math.pow(0.5, age / p.halfLifeHours);
    m += w;
    e += (w * Math.max(0, x.engagement)) / Math.max(age, 1);
  }
  const raw =
    100 *
    (p.mentionWeight * (1 - Math.exp(-m / p.mentionScale)) +
      (1 - p.mentionWeight) * (1 - Math.exp(-e / p.engagementScale)));
  return {
    mentionVelocity: round(m, 3),
    engagementVelocity: round(e, 1),
    vvs: round(Math.min(100, Math.max(0, raw)), 1),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
