/** A clock tests move by hand (development only: the deployed code runs on `systemClock`). */
import type { Clock } from '../../functions/src/shared/ports.js';

export type ManualClock = Clock & { advance(ms: number): void; set(d: Date | string): void };

export function manualClock(start: Date | string = '2026-01-01T00:00:00Z'): ManualClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    set(d: Date | string) {
      t = new Date(d).getTime();
    },
  };
}
