/** Builds the operators' use cases for a container, once. */
import { requireSecret } from '../config.js';
import { createOperators, type Operators } from '../operators/system.js';
import type { Container } from '../platform/container.js';
import { slackOf } from './slack.js';

const built = new WeakMap<Container, Operators>();

export function operatorsOf(app: Container): Operators {
  let o = built.get(app);
  if (!o) {
    o = createOperators({
      db: app.db,
      clock: app.clock,
      apiKeyPepper: () => requireSecret(app.config, 'apiKeyPepper'),
      slackSettings: {
        read: () => slackOf(app).readSettings(),
        write: (input, actor) => slackOf(app).writeSettings(input, actor),
      },
    });
    built.set(app, o);
  }
  return o;
}
