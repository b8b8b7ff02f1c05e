/**
 * Modals: builders for each form, readers for their submissions, and the mapping of a use case's
 * refusal onto inline field errors (`response_action: errors`). Pure.
 */
import { MIN_WHYS, PREVENTION_KINDS } from '../../sessions/core/failure-log.js';
import { cut, LIMITS, section, type Block } from './blocks.js';

export const CALLBACK = Object.freeze({
  gate: 'gate.decide',
  runDecide: 'run.decide',
  failure: 'failure.log',
  escalate: 'incident.escalate',
  resolve: 'incident.resolve',
  override: 'breaker.override',
  exitSafeMode: 'safemode.exit',
  classify: 'run.classify',
});

/** What a modal remembers between the click and the submission (Slack's `private_metadata`, ≤ 3,000 chars). */
export interface ModalMeta {
  /** Channel and message the click came from, so the message can be updated afterwards. */
  channel?: string;
  ts?: string;
  team?: string;
  [k: string]: string | undefined;
}

export interface TextField {
  blockId: string;
  label: string;
  multiline?: boolean;
  optional?: boolean;
  initial?: string;
  placeholder?: string;
  hint?: string;
}

function input(f: TextField): Block {
  return {
    type: 'input',
    block_id: f.blockId,
    optional: f.optional ?? false,
    label: { type: 'plain_text', text: cut(f.label, 2000) },
    ...(f.hint ? { hint: { type: 'plain_text', text: cut(f.hint, 2000) } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      multiline: f.multiline ?? false,
      ...(f.initial ? { initial_value: cut(f.initial, 3000) } : {}),
      ...(f.placeholder ? { placeholder: { type: 'plain_text', text: cut(f.placeholder, 150) } } : {}),
    },
  };
}

export function modal(p: {
  callbackId: string;
  title: string;
  submit?: string;
  intro?: string;
  fields: Array<TextField | Block>;
  meta: ModalMeta;
}): Record<string, unknown> {
  const meta = JSON.stringify(p.meta);
  if (meta.length > 3000) throw new RangeError('modal metadata over 3,000 characters');
  const blocks = [
    ...(p.intro ? [section(p.intro)] : []),
    ...p.fields.map((f) => ('type' in f ? (f as Block) : input(f as TextField))),
  ].slice(0, LIMITS.blocksPerModal);
  return {
    type: 'modal',
    callback_id: p.callbackId,
    title: { type: 'plain_text', text: cut(p.title, LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: cut(p.submit ?? 'Submit', LIMITS.modalTitle) },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: meta,
    blocks,
  };
}

/** The one-field form for a rationale, an outcome statement or a reason. */
export function reasonModal(p: {
  callbackId: string;
  title: string;
  intro: string;
  label: string;
  meta: ModalMeta;
  submit?: string;
}): Record<string, unknown> {
  return modal({ ...p, fields: [{ blockId: 'reason', label: p.label, multiline: true }] });
}

/** Classifying a failed scenario: the category came with the button; a note and the user impact. */
export function classifyModal(p: { intro: string; meta: ModalMeta }): Record<string, unknown> {
  const yesNo = [
    { text: { type: 'plain_text', text: 'Yes: users would notice' }, value: 'yes' },
    { text: { type: 'plain_text', text: 'No user impact' }, value: 'no' },
  ];
  return modal({
    callbackId: CALLBACK.classify,
    title: 'Classify the failure',
    submit: 'Classify',
    intro: p.intro,
    meta: p.meta,
    fields: [
      { blockId: 'reason', label: 'Why this category (required)', multiline: true },
      {
        type: 'input',
        block_id: 'impact',
        label: { type: 'plain_text', text: 'User impact' },
        element: { type: 'static_select', action_id: 'value', options: yesNo },
      },
    ],
  });
}

export const WHY_BLOCKS = Array.from({ length: MIN_WHYS }, (_, i) => `why${i + 1}`);

/** The failure-log form (SCMS L2): summary, what broke, five whys, root cause, prevention. */
export function failureModal(summary: string, meta: ModalMeta): Record<string, unknown> {
  const kinds = PREVENTION_KINDS.map((k) => ({
    text: { type: 'plain_text', text: k.replace('_', ' ') },
    value: k,
  }));
  return modal({
    callbackId: CALLBACK.failure,
    title: 'Log a failure',
    submit: 'Log it',
    meta,
    fields: [
      { blockId: 'summary', label: 'Summary', initial: summary },
      { blockId: 'whatBroke', label: 'What broke', multiline: true },
      // Optional in the form so the server's check (five whys) can answer inline, naming what is missing.
      ...WHY_BLOCKS.map((b, i) => ({ blockId: b, label: `Why ${i + 1}`, optional: true })),
      { blockId: 'rootCause', label: 'Root cause', multiline: true },
      {
        type: 'input',
        block_id: 'preventionKind',
        label: { type: 'plain_text', text: 'Prevention' },
        element: { type: 'static_select', action_id: 'value', options: kinds },
      },
      {
        blockId: 'preventionText',
        label: 'Prevention strategy (what rule, test, guard or process changes)',
        multiline: true,
      },
    ],
  });
}

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

/** A field's submitted text ('' when empty). */
export function fieldValue(values: StateValues | undefined, blockId: string): string {
  const v = values?.[blockId]?.value;
  return (v?.value ?? v?.selected_option?.value ?? '').trim();
}

export function readFailure(values: StateValues | undefined) {
  return {
    summary: fieldValue(values, 'summary'),
    whatBroke: fieldValue(values, 'whatBroke'),
    whys: WHY_BLOCKS.map((b) => fieldValue(values, b)).filter(Boolean),
    rootCause: fieldValue(values, 'rootCause'),
    prevention: { kind: fieldValue(values, 'preventionKind'), text: fieldValue(values, 'preventionText') },
  };
}

/**
 * Maps the failure-log use case's refusal (details.missing, one entry per problem) onto the form's
 * blocks. A whys problem lands on the first empty why.
 */
export function failureErrors(
  missing: readonly string[],
  values: StateValues | undefined,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const at = (block: string, text: string) =>
    (errors[block] = errors[block] ? `${errors[block]}; ${text}` : text);
  for (const m of missing) {
    if (m.startsWith('summary')) at('summary', 'a summary is required');
    else if (m.startsWith('whatBroke')) at('whatBroke', 'say what broke');
    else if (m.startsWith('whys')) {
      const empty = WHY_BLOCKS.find((b) => !fieldValue(values, b)) ?? WHY_BLOCKS[WHY_BLOCKS.length - 1]!;
      at(empty, m.replace(/^whys:\s*/, ''));
    } else if (m.startsWith('rootCause')) at('rootCause', 'the root cause is required');
    else if (m.startsWith('prevention.kind'))
      at('preventionKind', m.replace(/^prevention\.kind:\s*/, 'choose '));
    else if (m.startsWith('prevention.text')) at('preventionText', m.replace(/^prevention\.text:?\s*/, ''));
    else at('summary', m);
  }
  return errors;
}

/** Inline errors on one field, cut to what Slack shows. */
export const fieldError = (blockId: string, text: string) => ({
  response_action: 'errors' as const,
  errors: { [blockId]: cut(text, 1000) },
});
