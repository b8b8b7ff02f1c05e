/**
 * Block Kit builders that keep every payload inside Slack's limits: 50 blocks per message, 3,000
 * characters per section text, 150 per header, 75 per button label, 2,000 per button value,
 * 25 elements per actions block. Longer content is cut with a pointer to where the rest is.
 */

export const LIMITS = Object.freeze({
  blocksPerMessage: 50,
  blocksPerModal: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionsElements: 25,
  contextElements: 10,
  /** The top-level `text` fallback; Slack truncates at 40,000. */
  messageText: 40000,
  modalTitle: 24,
});

export type Block = Record<string, unknown> & { type: string };

/** Cuts text to `max` characters, ending with `suffix` when it had to cut. */
export function cut(text: string, max: number, suffix = '…'): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - suffix.length)) + suffix;
}

/** A mrkdwn section; text over the limit is cut and ends with `more` (a link or an API path). */
export function section(text: string, more?: string): Block {
  const suffix = more ? `…\n_(cut: the rest is at ${more})_` : '…';
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text || ' ', LIMITS.sectionText, suffix) } };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: cut(text, LIMITS.headerText), emoji: true } };
}

export function context(...texts: string[]): Block {
  return {
    type: 'context',
    elements: texts
      .slice(0, LIMITS.contextElements)
      .map((t) => ({ type: 'mrkdwn', text: cut(t || ' ', LIMITS.sectionText) })),
  };
}

export const divider = (): Block => ({ type: 'divider' });

/** An image block (Slack fetches `url` when it posts: a signed URL that outlives the post's fetch). */
export function image(url: string, alt: string): Block {
  return { type: 'image', image_url: url, alt_text: cut(alt || 'image', 2000) };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
}

export function button(b: ButtonSpec): Record<string, unknown> {
  if (b.value.length > LIMITS.buttonValue)
    throw new RangeError(`button value over ${LIMITS.buttonValue} chars`);
  return {
    type: 'button',
    text: { type: 'plain_text', text: cut(b.text, LIMITS.buttonText), emoji: true },
    action_id: b.actionId,
    value: b.value,
    ...(b.style ? { style: b.style } : {}),
  };
}

/**
 * Buttons in actions blocks of at most `perRow` (5 reads well on a phone), each block with a
 * distinct block_id, since Slack refuses duplicate action_ids within one block.
 */
export function actions(buttons: ButtonSpec[], blockId: string, perRow = 5): Block[] {
  const rows: Block[] = [];
  const size = Math.min(perRow, LIMITS.actionsElements);
  for (let i = 0; i < buttons.length; i += size)
    rows.push({
      type: 'actions',
      block_id: `${blockId}-${i / size}`.slice(0, 255),
      elements: buttons.slice(i, i + size).map(button),
    });
  return rows;
}

/**
 * Fits blocks into one message: at most 50, the last one saying what was left out and where to
 * find it when some had to go.
 */
export function fitBlocks(blocks: Block[], more: string, max = LIMITS.blocksPerMessage): Block[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [...kept, context(`_${blocks.length - kept.length} more blocks not shown: see ${more}_`)];
}

/** A whole message: blocks fitted and a plain-text fallback that never exceeds Slack's limit. */
export function message(text: string, blocks: Block[], more: string): { text: string; blocks: Block[] } {
  return { text: cut(text, LIMITS.messageText), blocks: fitBlocks(blocks, more) };
}

/** Long lines of text as as many sections as needed, each within the section limit. */
export function sections(lines: string[], more: string, maxBlocks = 20): Block[] {
  const out: Block[] = [];
  let buf = '';
  for (const line of lines) {
    const l = cut(line, LIMITS.sectionText - 1);
    if (buf && buf.length + 1 + l.length > LIMITS.sectionText) {
      out.push(section(buf));
      buf = l;
    } else buf = buf ? `${buf}\n${l}` : l;
  }
  if (buf) out.push(section(buf));
  if (out.length <= maxBlocks) return out;
  return [...out.slice(0, maxBlocks - 1), context(`_cut: the rest is at ${more}_`)];
}
