/**
 * `npm run apikey -- create <name> <scope...>`: creates an API key and prints it once.
 * `npm run apikey -- disable <name>`: disables every key of that name, from the next request on. Uses the
 * same configuration as the functions (GOOGLE_CLOUD_PROJECT, API_KEY_PEPPER; the emulator when
 * FIRESTORE_EMULATOR_HOST is set). Only the key's HMAC is stored.
 */
import { loadConfig, requireSecret } from '../functions/src/config.js';
import { createApiKey, disableApiKeys } from '../functions/src/platform/api-keys.js';
import { SCOPES, type Scope } from '../functions/src/platform/http/route.js';

async function main() {
  const [cmd, name, ...scopes] = process.argv.slice(2);
  if (cmd === 'disable' && name) {
    const config = loadConfig();
    const { Firestore } = await import('@google-cloud/firestore');
    const db = new Firestore({ projectId: config.projectId, ignoreUndefinedProperties: true });
    const n = await disableApiKeys(db, name, new Date());
    console.log(`${n} key(s) named ${name} disabled; refused from the next request on`);
    await db.terminate();
    return n > 0 ? 0 : 1;
  }
  if (cmd !== 'create' || !name || scopes.length === 0) {
    console.error(
      `usage: npm run apikey -- create <name> <scope...> | disable <name>   (scopes: ${SCOPES.join(', ')})`,
    );
    return 2;
  }
  const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length) {
    console.error(`unknown scope(s): ${bad.join(', ')}; known: ${SCOPES.join(', ')}`);
    return 2;
  }
  const config = loadConfig();
  const { Firestore } = await import('@google-cloud/firestore');
  const db = new Firestore({ projectId: config.projectId, ignoreUndefinedProperties: true });
  const k = await createApiKey(
    db,
    requireSecret(config, 'apiKeyPepper'),
    { name, scopes: scopes as Scope[] },
    new Date(),
  );
  console.log(
    `${k.key}\n(name ${k.name}, scopes ${k.scopes.join(' ')}; shown once, only its HMAC is stored)`,
  );
  await db.terminate();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
