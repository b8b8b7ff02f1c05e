/**
 * Ledger keys. Every entry is stored under its idempotency key, so keys are document ids and two
 * namespaces must never meet:
 *
 * - a caller's key (API, Slack, scripts): letters, digits and `_ . : @ -`, never `~`;
 * - the system's keys (a run's reservation `reserve~<run>`, its settlement `<reservation>~debit` and
 *   `<reservation>~release`) always contain `~`.
 *
 * So no caller can write an entry a settlement will later need, and pre-empt it by idempotency.
 * Keys that Firestore treats specially (`.`, `..`, `__x__`) or that collide with object prototypes
 * (`__proto__`) are refused like any bad id.
 */
export const SYSTEM_SEPARATOR = '~';
export const MAX_KEY_LENGTH = 200;

const CALLER_KEY = /^[A-Za-z0-9_.:@-]+$/;

/** Why a caller's key is not acceptable, or null when it is. */
export function callerKeyProblem(key: unknown): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'an idempotency key is required';
  if (key.length > MAX_KEY_LENGTH) return `an idempotency key is at most ${MAX_KEY_LENGTH} characters`;
  if (key.includes(SYSTEM_SEPARATOR))
    return `"${SYSTEM_SEPARATOR}" is reserved for the system's own ledger keys (reservations and settlements)`;
  if (!CALLER_KEY.test(key)) return 'an idempotency key uses only letters, digits and _ . : @ -';
  if (/^\.+$/.test(key)) return 'an idempotency key cannot be only dots';
  if (/^__.*__$/.test(key)) return 'an idempotency key cannot start and end with "__" (reserved ids)';
  return null;
}

/** A system key: a caller-shaped stem and one or more `~suffix` parts. */
const SYSTEM_KEY = /^[A-Za-z0-9_.:@-]+(~[A-Za-z0-9_.:@-]+)+$/;

/** Why a system key is not acceptable, or null. */
export function systemKeyProblem(key: unknown): string | null {
  if (typeof key !== 'string' || !SYSTEM_KEY.test(key) || key.length > 400)
    return `a system ledger key is a stem and "${SYSTEM_SEPARATOR}" parts of letters, digits and _ . : @ - (at most 400)`;
  if (/^__.*__$/.test(key) || /^\.+(~|$)/.test(key)) return 'a system ledger key cannot be a reserved id';
  return null;
}
