/** Every Slack listener, registered by kind (STYLE 7: one register per folder, one file per kind). */
import type { BoltRuntime } from '../deps.js';
import { registerActions } from './actions.js';
import { registerCommand } from './command.js';
import { registerEvents } from './events.js';
import { registerViews } from './views.js';

export function registerListeners(rt: BoltRuntime): void {
  registerCommand(rt);
  registerActions(rt);
  registerViews(rt);
  registerEvents(rt);
}
