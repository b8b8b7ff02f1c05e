/**
 * Coded errors as Slack answers (STYLE 6: one mapping per trigger kind). A policy refusal lists the
 * policy's reasons; anything else says what was refused and why. Pure.
 */
import type { ErrorCode } from '../../shared/errors.js';

const ICON: Partial<Record<ErrorCode, string>> = {
  invalid_input: ':warning:',
  not_found: ':mag:',
  conflict: ':no_entry_sign:',
  forbidden: ':no_entry:',
  policy_violation: ':no_entry:',
};

/** The ephemeral text for a refused request. */
export function refusalText(e: { code: ErrorCode; message: string; details?: unknown }): string {
  const d = e.details as { reasons?: unknown; missing?: unknown } | undefined;
  const list = Array.isArray(d?.reasons) ? d.reasons : Array.isArray(d?.missing) ? d.missing : [];
  const head = `${ICON[e.code] ?? ':x:'} ${e.code === 'policy_violation' ? 'Refused by the decision policy' : 'Refused'}: ${e.message}`;
  if (!list.length || e.code !== 'policy_violation') return head;
  return `${ICON[e.code]} Refused by the decision policy. Reasons:\n${list.map((r) => `• ${String(r)}`).join('\n')}`;
}

/** Errors that are not the person's fault: said plainly, with no internals. */
export const internalText =
  ':x: Something went wrong on our side; it has been logged. Try again in a moment.';
