/** A staged asset: what a published production would post (nothing is posted). Pure type. */
import type { Verdict } from '../../critic/core/verdict.js';
import type { MediaItem } from '../media.js';
import type { Generation } from './specs.js';

export interface StagedAsset extends Generation {
  id: string;
  runId: string;
  intentId: string;
  topic: string;
  mode: 'free' | 'template';
  verdict: Pick<Verdict, 'drift' | 'pass' | 'threshold' | 'critic' | 'notes' | 'media'>;
  cost: {
    currency: string;
    estimated: number;
    actual: number;
    model: string;
    inputTokens: number;
    outputTokens: number;
    /** Images billed (withheld ones are not) and seconds of clip, when media were made. */
    images?: number;
    videoSeconds?: number;
  };
  /** The frames (in shot order) and the clip, stored by content hash; absent without media. */
  media?: MediaItem[];
  bibleVersion: number;
  createdAt: Date;
}
