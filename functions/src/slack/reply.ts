/** What the Slack app sends: a message (text plus optional blocks), and a reply's placement. */
import type { Block } from './core/blocks.js';

export interface SlackMessage {
  text: string;
  blocks?: Block[];
}

export interface Reply extends SlackMessage {
  inChannel?: boolean;
  replaceOriginal?: boolean;
}
