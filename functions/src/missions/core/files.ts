/**
 * The repository-file forms of the backlog (`backlog.yaml`) and the session events
 * (`SESSIONS.jsonl`): conversion to and from plain data, validation with the place of each problem,
 * and the parity diff between Firestore and the files. Pure: YAML text itself is read and written by
 * ../backlog-yaml.ts (the yaml SDK stays out of core), which maps the paths here to line numbers.
 */
import { z } from 'zod';
import { EVENT_LEVELS, type MissionEvent } from './events.js';
import { MISSION_STATUSES, missionId, type Mission } from './mission.js';

const iso = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const text = z.string();

const waiverFile = z.strictObject({ mission: missionId, reason: z.string().min(1), by: text, at: iso });
const verificationFile = z.strictObject({
  command: z.string().min(1),
  result: z.enum(['passed', 'failed']),
  output: text.optional(),
  at: iso,
});

const missionFile = z.strictObject({
  id: missionId,
  title: z.string().min(1),
  objective: text,
  scope: text.default(''),
  status: z.enum(MISSION_STATUSES),
  rank: z.number().int(),
  prerequisites: z.array(missionId).default([]),
  waivers: z.array(waiverFile).default([]),
  needs: z.array(text).default([]),
  unblock_criteria: text.nullable().default(null),
  blocked_from: z.enum(MISSION_STATUSES).nullable().default(null),
  notes: z.array(text).default([]),
  verification: verificationFile.nullable().default(null),
  started_at: iso.nullable().default(null),
  completed_at: iso.nullable().default(null),
});

const backlogFile = z
  .strictObject({ version: z.literal(1), missions: z.array(missionFile) })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.missions.forEach((m, i) => {
      if (seen.has(m.id))
        ctx.addIssue({
          code: 'custom',
          path: ['missions', i, 'id'],
          message: `duplicate mission id ${m.id}`,
        });
      seen.add(m.id);
    });
  });

const actorFile = z.strictObject({
  kind: z.enum(['user', 'apikey', 'system', 'agent']),
  id: z.string().min(1),
  name: text.optional(),
});

const eventFile = z.strictObject({
  id: z.string().min(1).max(200),
  ts: iso,
  type: z.string().min(1),
  mission: missionId.nullable(),
  actor: actorFile,
  level: z.enum(EVENT_LEVELS).default('info'),
  summary: text.optional(),
  next_hint: text.optional(),
  needs: z.array(text).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** A problem in a file: where (a path into the parsed data, or a line) and why. */
export interface FileIssue {
  path: PropertyKey[];
  line?: number;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: FileIssue[] };

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** The plain form of a backlog, as written to backlog.yaml (snake_case like the CMOS files). */
export function backlogToPlain(missions: readonly Mission[]): {
  version: 1;
  missions: Record<string, unknown>[];
} {
  const sorted = [...missions].sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1));
  return { version: 1, missions: sorted.map(missionToPlain) };
}

export function missionToPlain(m: Mission): Record<string, unknown> {
  return {
    id: m.id,
    title: m.title,
    objective: m.objective,
    scope: m.scope,
    status: m.status,
    rank: m.rank,
    prerequisites: m.prerequisites,
    waivers: m.waivers.map((w) => ({
      mission: w.missionId,
      reason: w.reason,
      by: w.by,
      at: w.at.toISOString(),
    })),
    needs: m.needs,
    unblock_criteria: m.unblockCriteria,
    blocked_from: m.blockedFrom,
    notes: m.notes,
    verification: m.verification && {
      command: m.verification.command,
      result: m.verification.result,
      ...(m.verification.output === undefined ? {} : { output: m.verification.output }),
      at: m.verification.at.toISOString(),
    },
    started_at: isoOrNull(m.startedAt),
    completed_at: isoOrNull(m.completedAt),
  };
}

/** Validates parsed backlog.yaml data; issues carry the path of each problem. */
export function backlogFromPlain(data: unknown): Parsed<Mission[]> {
  const r = backlogFile.safeParse(data);
  if (!r.success)
    return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path, message: i.message })) };
  return {
    ok: true,
    value: r.data.missions.map((m) => ({
      id: m.id,
      title: m.title,
      objective: m.objective,
      scope: m.scope,
      status: m.status,
      rank: m.rank,
      prerequisites: m.prerequisites,
      waivers: m.waivers.map((w) => ({ missionId: w.mission, reason: w.reason, by: w.by, at: w.at })),
      needs: m.needs,
      unblockCriteria: m.unblock_criteria,
      blockedFrom: m.blocked_from,
      notes: m.notes,
      verification: m.verification,
      startedAt: m.started_at,
      completedAt: m.completed_at,
    })),
  };
}

export function eventToPlain(e: MissionEvent): Record<string, unknown> {
  return {
    id: e.id,
    ts: e.at.toISOString(),
    type: e.type,
    mission: e.missionId,
    actor: e.actor,
    level: e.level,
    ...(e.summary === undefined ? {} : { summary: e.summary }),
    ...(e.nextHint === undefined ? {} : { next_hint: e.nextHint }),
    ...(e.needs === undefined ? {} : { needs: e.needs }),
    ...(e.data === undefined ? {} : { data: e.data }),
  };
}

/** SESSIONS.jsonl text: one event per line, oldest first, ending in a newline. */
export function eventsToJsonl(events: readonly MissionEvent[]): string {
  const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
  return sorted.map((e) => JSON.stringify(eventToPlain(e)) + '\n').join('');
}

/** Parses SESSIONS.jsonl; every problem names its 1-based line. Blank lines are allowed. */
export function eventsFromJsonl(source: string): Parsed<MissionEvent[]> {
  const issues: FileIssue[] = [];
  const events: MissionEvent[] = [];
  const seen = new Map<string, number>();
  source.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      issues.push({ path: [], line, message: `not valid JSON (${(err as Error).message})` });
      return;
    }
    const r = eventFile.safeParse(json);
    if (!r.success) {
      for (const is of r.error.issues) {
        issues.push({
          path: is.path,
          line,
          message: `${is.path.map(String).join('.') || '(root)'}: ${is.message}`,
        });
      }
      return;
    }
    const e = r.data;
    const first = seen.get(e.id);
    if (first)
      issues.push({ path: ['id'], line, message: `duplicate event id ${e.id} (first on line ${first})` });
    seen.set(e.id, line);
    events.push({
      id: e.id,
      at: e.ts,
      type: e.type,
      missionId: e.mission,
      actor: e.actor,
      level: e.level,
      ...(e.summary === undefined ? {} : { summary: e.summary }),
      ...(e.next_hint === undefined ? {} : { nextHint: e.next_hint }),
      ...(e.needs === undefined ? {} : { needs: e.needs }),
      ...(e.data === undefined ? {} : { data: e.data }),
    });
  });
  return issues.length ? { ok: false, issues } : { ok: true, value: events };
}
