/**
 * Size limits of what the engine stores. A Firestore document holds at most 1 MiB, and a write over
 * it fails the same way on every retry, so sizes are checked before anything is written: a run's
 * input at the door (400), a step's output or gate context when the step returns (the step fails,
 * terminally, naming the size), a dead letter's payload when it is recorded (kept truncated).
 * Pure: no I/O.
 */

/** A run's input lives in the run document, with its graph and step states. */
export const MAX_RUN_INPUT_BYTES = 128 * 1024;
/** A step's output has a document of its own (runs/{id}/outputs/{step}). */
export const MAX_STEP_OUTPUT_BYTES = 256 * 1024;
/** Gate and external contexts are merged into the run document. */
export const MAX_STEP_CONTEXT_BYTES = 64 * 1024;
/** Error texts stored on a step and in its events. */
export const MAX_ERROR_CHARS = 4000;
/** How much of a dead letter's payload is kept; the rest is described by its size and hash. */
export const MAX_DEAD_LETTER_RAW_BYTES = 200 * 1024;

/** The size of a value as JSON, in UTF-8 bytes (0 for undefined). */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : utf8Bytes(text);
}

function utf8Bytes(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Why a value is too large to store under `limit`, or undefined when it fits. */
export function oversize(what: string, value: unknown, limit: number): string | undefined {
  const bytes = jsonBytes(value);
  return bytes > limit ? `${what} is ${bytes} bytes as JSON; the limit is ${limit}` : undefined;
}

/**
 * Steps due together for one step topic travel as one message of at most this many (outbox.ts):
 * one push, one read of their runs and one commit instead of one of each per step. Small enough
 * that one function instance runs the whole message's steps at once, as it would that many pushes.
 */
export const MAX_STEPS_PER_MESSAGE = 16;
