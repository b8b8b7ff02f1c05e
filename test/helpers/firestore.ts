/**
 * Firestore on the emulator for integration tests. Each call gets a fresh project id, so every
 * test file (and every test that wants it) sees an empty database with no clearing step.
 */
import { Firestore } from '@google-cloud/firestore';
import { randomBytes } from 'node:crypto';

export function uniqueProjectId(prefix = 'test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`.toLowerCase();
}

export function requireEmulator(name: 'FIRESTORE_EMULATOR_HOST' | 'PUBSUB_EMULATOR_HOST'): string {
  const host = process.env[name];
  if (!host)
    throw new Error(`${name} is not set: run integration tests through npm test, which starts the emulators`);
  return host;
}

export function testFirestore(projectId = uniqueProjectId()): Firestore {
  requireEmulator('FIRESTORE_EMULATOR_HOST');
  return new Firestore({ projectId, ignoreUndefinedProperties: true });
}
