/**
 * Every runtime settings document of the product, one line per system. `/healthz` reads them all
 * in one round trip and reports any that does not parse, naming the field.
 */
import { escalationSettings } from './incidents/settings.js';
import { MUSE_SETTINGS } from './muse/settings.js';
import type { SettingsSpec } from './platform/settings.js';
import { REMINDER_SETTINGS } from './notify/settings.js';
import { focusAreasSettings } from './sessions/settings.js';
import { SLACK_SETTINGS } from './slack/settings.js';
import { heartbeatSettings } from './tasks/settings.js';

export const SETTINGS_CATALOG: ReadonlyArray<SettingsSpec<unknown>> = [
  SLACK_SETTINGS, // Slack channels and roles
  REMINDER_SETTINGS, // reminder periods of pushed decisions
  ...MUSE_SETTINGS, // config/trendSources, config/trendSettings, config/walletSettings
  escalationSettings, // incidents: escalation deadlines per severity
  heartbeatSettings, // tasks: heartbeat thresholds
  focusAreasSettings, // sessions: the workspace's focus areas
];
