/**
 * Cron matching (minute hour day-of-month month day-of-week, UTC) for the local scheduler, which
 * fires the catalog's jobs as Cloud Scheduler does. Parsing is `croner`'s: `*`, lists, ranges,
 * steps (`*\/5`, `1-10/2`, `5/5`), names; day-of-week 0 and 7 are Sunday, and day-of-month and
 * day-of-week combine with OR when both are restricted, as in Vixie cron. The scheduler keeps its
 * own clock (sped-up virtual time), so this only answers "does this minute match", never schedules.
 */
import { Cron } from 'croner';

export type CronSchedule = Cron;

export function parseCron(expr: string): CronSchedule {
  if (expr.trim().split(/\s+/).length !== 5)
    throw new Error(`cron "${expr}" must have 5 fields (minute hour day month weekday)`);
  try {
    // No callback: croner builds the pattern and starts no timer.
    return new Cron(expr.trim(), { timezone: 'UTC', mode: '5-part', sloppyRanges: true, domAndDow: false });
  } catch (err) {
    throw new Error(`cron "${expr}": ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Whether the schedule fires at the minute containing `t` (UTC). */
export function cronMatches(s: CronSchedule, t: Date): boolean {
  return s.match(new Date(Math.floor(t.getTime() / 60_000) * 60_000));
}
