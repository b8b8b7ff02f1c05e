/** Small ports every use case may take. Adapters implement them; tests pass real ones or a fixed clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Who did something: a person through Slack, a key through the API, or the system itself. */
export interface Actor {
  kind: 'user' | 'apikey' | 'system' | 'agent';
  id: string;
  name?: string;
}

export const systemActor = (id = 'system'): Actor => ({ kind: 'system', id });
