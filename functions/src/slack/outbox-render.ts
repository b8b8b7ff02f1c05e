/**
 * Renders an outbox entry as its kind's Slack message, before or after its decision. A decision
 * that is already made when an entry is first delivered (Slack was down, or another channel's entry
 * went first) is shown at once: a stale message with live buttons is never posted.
 */
import type { StoredSlackOutboxEntry } from '../notify/slack-outbox.js';
import { breakerMessage, incidentMessage, plainAlert, safeModeMessage } from './core/alerts.js';
import { context, message, section } from './core/blocks.js';
import {
  classificationMessage,
  decidedLine,
  withDecision,
  type ClassificationView,
  type DecidedView,
} from './core/decisions.js';
import { assetBlocks, gateBlocks, notice, runMessage } from './core/messages.js';
import type { SlackDeps } from './deps.js';
import { incidentView } from './refresh.js';
import type { SlackMessage } from './reply.js';

type Entry = StoredSlackOutboxEntry;

export const millis = (v: Date | string | undefined) =>
  v instanceof Date ? v.getTime() : typeof v === 'string' ? new Date(v).getTime() : 0;

/** The fallback text (notifications, screen readers) says it is decided too. */
const decidedText = (text: string, d?: DecidedView) => (d ? `${text} (decided: ${d.what} by ${d.by})` : text);

const appended = (m: SlackMessage, d?: DecidedView): SlackMessage =>
  d ? { text: decidedText(m.text, d), blocks: [...(m.blocks ?? []), context(decidedLine(d))] } : m;

/** The entry's message; `decided` renders it as decided (no buttons, who/what/when/why). */
export async function renderEntry(deps: SlackDeps, e: Entry, decided?: DecidedView): Promise<SlackMessage> {
  const base = deps.config.publicBaseUrl;
  const d = e.data ?? {};
  switch (e.kind) {
    case 'incident': {
      const view = await incidentView(deps, e.ref.id, typeof d.why === 'string' ? d.why : undefined).catch(
        () => ({
          id: e.ref.id,
          severity: String(d.severity ?? 'sev?'),
          summary: String(d.summary ?? e.text),
          level: e.level ?? 1,
          status: 'open',
        }),
      );
      return appended(incidentMessage({ ...view, level: Math.max(view.level, e.level ?? 1) }, base), decided);
    }
    case 'breaker': {
      const m = breakerMessage(
        {
          text: e.text,
          trip: e.ref.id,
          ...(decided ? { overridden: { by: decided.by, rationale: decided.why ?? decided.what } } : {}),
        },
        base,
      );
      return { ...m, text: decidedText(m.text, decided) };
    }
    case 'safemode':
      return appended(
        safeModeMessage(
          {
            text: e.text,
            entered: d.entered === true,
            ...(decided ? { exited: { by: decided.by, rationale: decided.why ?? decided.what } } : {}),
          },
          base,
        ),
        decided,
      );
    case 'gate':
      if (typeof d.runId === 'string' && typeof d.stepId === 'string' && Array.isArray(d.edges)) {
        const g = {
          runId: d.runId,
          stepId: d.stepId,
          workflow: String(d.workflow ?? ''),
          edges: d.edges.map(String),
          context: (d.context as Record<string, unknown>) ?? {},
        };
        // A gate about a staged asset shows its first frame.
        const asset =
          typeof g.context.assetId === 'string'
            ? await deps.reads.assetPreview(g.context.assetId).catch(() => undefined)
            : undefined;
        const blocks = gateBlocks(g);
        if (asset) blocks.splice(1, 0, ...assetBlocks(asset, base));
        return message(
          decidedText(e.text, decided),
          decided ? [...blocks, context(decidedLine(decided))].filter((b) => b.type !== 'actions') : blocks,
          base,
        );
      }
      return notice(e.text);
    case 'run': {
      // Read live, so the policy's answer (and, once decided, the decision) is current.
      const view = await deps.reads.pipelineRun(e.ref.id);
      return appended(runMessage(view, base), decided);
    }
    case 'notice':
      if (e.ref.type === 'asset') {
        // A staged asset: its first frame as an image, read (and signed) at delivery.
        const asset = await deps.reads.assetPreview(e.ref.id).catch(() => undefined);
        if (asset)
          return appended(message(e.text, [section(e.text), ...assetBlocks(asset, base)], base), decided);
      }
      return appended(plainAlert(e.text, e.ref, base), decided);
    case 'classification': {
      const m = classificationMessage(d as unknown as ClassificationView, base, decided);
      return { ...m, text: decidedText(m.text, decided) };
    }
    default: {
      const m = plainAlert(e.text, e.ref, base);
      return decided ? withDecision(m, decided) : m;
    }
  }
}
