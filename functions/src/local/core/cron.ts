/**
 * A small Unix cron matcher (minute hour day-of-month month day-of-week, UTC) for the local
 * scheduler, which fires the catalog's jobs as Cloud Scheduler does. Supports `*`, lists, ranges
 * and steps (`*\/5`, `1-10/2`); day-of-week 0 and 7 are Sunday. Day-of-month and day-of-week
 * combine with OR when both are restricted, as in Vixie cron.
 */
export interface CronSchedule {
  minute: Set<number>;
  hour: Set<number>;
  dayOfMonth: Set<number>;
  month: Set<number>;
  dayOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function parseField(text: string, [min, max]: [number, number], name: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`cron ${name}: cannot read "${part}"`);
    const step = m[4] ? Number(m[4]) : 1;
    const lo = m[1] === '*' ? min : Number(m[2]);
    const hi = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : lo;
    if (lo < min || hi > max || lo > hi || step < 1)
      throw new Error(`cron ${name}: "${part}" is outside ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expr: string): CronSchedule {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new Error(`cron "${expr}" must have 5 fields (minute hour day month weekday)`);
  const names = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
  const [minute, hour, dayOfMonth, month, dow] = fields.map((f, i) => parseField(f, RANGES[i]!, names[i]!));
  const dayOfWeek = new Set([...dow!].map((d) => d % 7));
  return {
    minute: minute!,
    hour: hour!,
    dayOfMonth: dayOfMonth!,
    month: month!,
    dayOfWeek,
    domRestricted: fields[2] !== '*',
    dowRestricted: fields[4] !== '*',
  };
}

/** Whether the schedule fires at the minute containing `t` (UTC). */
export function cronMatches(s: CronSchedule, t: Date): boolean {
  if (!s.minute.has(t.getUTCMinutes()) || !s.hour.has(t.getUTCHours()) || !s.month.has(t.getUTCMonth() + 1))
    return false;
  const dom = s.dayOfMonth.has(t.getUTCDate());
  const dow = s.dayOfWeek.has(t.getUTCDay());
  if (s.domRestricted && s.dowRestricted) return dom || dow;
  return dom && dow;
}
