/** Small ports every use case may take. Adapters implement them; tests pass real ones or a fixed clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move by hand. */
export function manualClock(
  start: Date | string = '2026-01-01T00:00:00Z',
): Clock & { advance(ms: number): void; set(d: Date | string): void } {
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

/** Who did something: a person through Slack, a key through the API, or the system itself. */
export interface Actor {
  kind: 'user' | 'apikey' | 'system' | 'agent';
  id: string;
  name?: string;
}

export const systemActor = (id = 'system'): Actor => ({ kind: 'system', id });
