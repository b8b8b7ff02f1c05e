/**
 * SCMS L4 economics over a period [from, to). Pure. The formulas (also in the README):
 *
 * - tokens saved by one reuse  = max(0, memory.baselineTokens - reuse.tokensUsed)
 * - tokensSaved                = sum of tokens saved by the reuses in the period
 * - tokensInvested             = sum of captureTokens of the memories captured in the period
 * - reuseRate                  = sessions started in the period with at least one reuse
 *                                / sessions started in the period (0 when there are none)
 * - roi                        = (tokensSaved - tokensInvested) / tokensInvested
 *                                (null when nothing was invested)
 */
import type { Memory, Reuse } from './memory.js';

export interface Period {
  from: Date;
  to: Date;
}

export interface Economics {
  period: { from: string; to: string };
  sessions: number;
  sessionsWithReuse: number;
  reuseRate: number;
  reuses: number;
  tokensSaved: number;
  tokensInvested: number;
  roi: number | null;
  byMemory: Array<{ memoryId: string; title: string; reuses: number; tokensSaved: number }>;
}

const within = (d: Date, p: Period) => d.getTime() >= p.from.getTime() && d.getTime() < p.to.getTime();
const round = (n: number) => Math.round(n * 10_000) / 10_000;

export function computeEconomics(
  input: {
    memories: readonly Pick<Memory, 'id' | 'title' | 'captureTokens' | 'createdAt'>[];
    reuses: readonly Reuse[];
    sessions: readonly { id: string; startedAt: Date }[];
  },
  period: Period,
): Economics {
  const sessions = input.sessions.filter((s) => within(s.startedAt, period));
  const reuses = input.reuses.filter((r) => within(r.at, period));
  const reusedIn = new Set(reuses.map((r) => r.sessionId));
  const sessionsWithReuse = sessions.filter((s) => reusedIn.has(s.id)).length;
  const tokensSaved = reuses.reduce((n, r) => n + r.tokensSaved, 0);
  const tokensInvested = input.memories
    .filter((m) => within(m.createdAt, period))
    .reduce((n, m) => n + m.captureTokens, 0);
  const titles = new Map(input.memories.map((m) => [m.id, m.title]));
  const per = new Map<string, { reuses: number; tokensSaved: number }>();
  for (const r of reuses) {
    const e = per.get(r.memoryId) ?? { reuses: 0, tokensSaved: 0 };
    per.set(r.memoryId, { reuses: e.reuses + 1, tokensSaved: e.tokensSaved + r.tokensSaved });
  }
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    sessions: sessions.length,
    sessionsWithReuse,
    reuseRate: sessions.length ? round(sessionsWithReuse / sessions.length) : 0,
    reuses: reuses.length,
    tokensSaved,
    tokensInvested,
    roi: tokensInvested > 0 ? round((tokensSaved - tokensInvested) / tokensInvested) : null,
    byMemory: [...per.entries()]
      .map(([memoryId, v]) => ({ memoryId, title: titles.get(memoryId) ?? memoryId, ...v }))
      .sort((a, b) => b.tokensSaved - a.tokensSaved || (a.memoryId < b.memoryId ? -1 : 1)),
  };
}
