/**
 * Every runtime settings document of the product, one line per system. `/healthz` reads them all
 * in one round trip and reports any that does not parse, naming the field.
 */
import { escalationSettings } from './incidents/settings.js';
import type { SettingsSpec } from './platform/settings.js';
import { focusAreasSettings } from './sessions/settings.js';
import { heartbeatSettings } from './tasks/settings.js';

export const SETTINGS_CATALOG: ReadonlyArray<SettingsSpec<unknown>> = [
  escalationSettings, // incidents: escalation deadlines per severity
  heartbeatSettings, // tasks: heartbeat thresholds
  focusAreasSettings, // sessions: the workspace's focus areas
];
