/** A staged asset: what a published production would post (nothing is posted). Pure type. */
import type { Verdict } from '../../critic/core/verdict.js';
import type { Generation } from './specs.js';

export interface StagedAsset extends Generation {
  id: string;
  runId: string;
  intentId: string;
  topic: string;
  mode: 'free' | 'template';
  verdict: Pick<Verdict, 'drift' | 'pass' | 'threshold' | 'critic' | 'notes'>;
  cost: {
    currency: string;
    estimated: number;
    actual: number;
    model: string;
    inputTokens: number;
    outputTokens: number;
  };
  bibleVersion: number;
  createdAt: Date;
}
