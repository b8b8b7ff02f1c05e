/**
 * Evidence records as JSONL: each line is parsed and validated on its own, so one bad line is
 * refused with its line number while the good lines of the same batch are kept. Pure.
 */
import { z } from 'zod';
import { describeIssues } from '../../shared/errors.js';

/** One evidence record: what tool or action the agent used, on what, with what result. */
export const evidenceRecordSchema = z
  .object({
    taskId: z.string().min(1),
    agentId: z.string().min(1),
    at: z.iso.datetime({ offset: true }),
    kind: z.enum(['tool_call', 'test_run', 'commit', 'review', 'deploy', 'note']),
    tool: z.string().min(1).max(200).optional(),
    summary: z.string().min(1).max(4000),
    outcome: z.enum(['ok', 'failed', 'skipped']),
    artifacts: z.array(z.string().max(1000)).max(50).optional(),
  })
  .strict();
export type EvidenceRecord = z.infer<typeof evidenceRecordSchema>;

export interface EvidenceLineError {
  line: number;
  errors: string[];
}

export interface EvidenceParse {
  good: Array<{ line: number; record: EvidenceRecord; raw: string }>;
  bad: EvidenceLineError[];
}

/** Validates a JSONL batch line by line (1-based line numbers; blank lines are skipped). */
export function parseEvidenceJsonl(
  text: string,
  expect?: { taskId?: string; agentId?: string },
): EvidenceParse {
  const out: EvidenceParse = { good: [], bad: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      out.bad.push({ line, errors: [`not JSON: ${(err as Error).message}`] });
      return;
    }
    const parsed = evidenceRecordSchema.safeParse(value);
    if (!parsed.success) {
      out.bad.push({ line, errors: describeIssues(parsed.error.issues) });
      return;
    }
    const mismatch: string[] = [];
    if (expect?.taskId && parsed.data.taskId !== expect.taskId)
      mismatch.push(`taskId: expected ${expect.taskId}, got ${parsed.data.taskId}`);
    if (expect?.agentId && parsed.data.agentId !== expect.agentId)
      mismatch.push(`agentId: expected ${expect.agentId}, got ${parsed.data.agentId}`);
    if (mismatch.length) out.bad.push({ line, errors: mismatch });
    else out.good.push({ line, record: parsed.data, raw: raw.trim() });
  });
  return out;
}
