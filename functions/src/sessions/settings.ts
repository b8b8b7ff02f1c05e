/**
 * The sessions system's runtime settings: the workspace's focus areas (`scmsSettings/focusAreas`),
 * which a session start may replace. A stored document that does not parse is an error naming the
 * field, never an empty list.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { z } from 'zod';
import {
  loadSettings,
  parseSettings,
  settingsRef,
  settingsValue,
  type SettingsSpec,
} from '../platform/settings.js';
import type { Actor } from '../shared/ports.js';

export const focusAreasSettings: SettingsSpec<{ areas: string[] }> = {
  path: 'scmsSettings/focusAreas',
  // `actor` (who set them) is stored beside the areas and is not a setting.
  schema: z.object({ areas: z.array(z.string()) }),
  defaults: { areas: [] },
};

export async function readFocusAreas(db: Firestore): Promise<string[]> {
  return (await loadSettings(db, focusAreasSettings)).areas;
}

export async function readFocusAreasTx(db: Firestore, tx: Transaction): Promise<string[]> {
  return settingsValue(parseSettings(focusAreasSettings, await tx.get(settingsRef(db, focusAreasSettings))))
    .areas;
}

export function setFocusAreasTx(
  db: Firestore,
  tx: Transaction,
  areas: string[],
  at: Date,
  actor: Actor,
): void {
  tx.set(settingsRef(db, focusAreasSettings), { areas, updatedAt: at, actor });
}

export async function saveFocusAreas(db: Firestore, areas: string[], at: Date, actor: Actor): Promise<void> {
  await settingsRef(db, focusAreasSettings).set({ areas, updatedAt: at, actor });
}
