/**
 * The live muse's toolbox: the product's own read actions, offered to the model as tools. Every
 * tool only reads (talk never changes state; only Slack and the API do). Arguments come from the
 * model, so they are validated like any other input.
 */
import { z } from 'zod';
import type { ToolDeclaration } from '../model/port.js';
import { mediaWithUrls, type SignedUrl } from './asset-view.js';
import type { MuseReads, StoredDoc } from './ports.js';
import { toJson } from './source.js';

/** Drift at or above this fails the critic (SMOS v2: passes when drift < 2%). */
const DRIFT_LIMIT = 0.02;

type Doc = Record<string, unknown> & { id: string };

export const TOOL_DECLARATIONS: ToolDeclaration[] = [
  {
    name: 'show_asset',
    description: 'Shows a staged asset (narrative, visual spec, motion spec, critic verdict, cost).',
    parameters: {
      type: 'object',
      properties: { assetId: { type: 'string', description: 'asset id, or "latest"' } },
      required: [],
    },
  },
  {
    name: 'get_status',
    description: 'The muse status: loop state, wallet, breaker, safe mode, runs, open incidents.',
    parameters: { type: 'object', properties: {}, required: [] },
  },
  {
    name: 'list_intents',
    description: 'The most recent intents (trend topics the muse decided to produce).',
    parameters: {
      type: 'object',
      properties: { limit: { type: 'integer', minimum: 1, maximum: 20 } },
      required: [],
    },
  },
  {
    name: 'explain_last_verdict',
    description:
      "Explains the critic's last verdict: drift against the identity Bible and why it passed or failed.",
    parameters: { type: 'object', properties: {}, required: [] },
  },
];

const argSchemas = {
  show_asset: z.object({ assetId: z.string().min(1).max(200).optional() }),
  get_status: z.object({}),
  list_intents: z.object({ limit: z.coerce.number().int().min(1).max(20).optional() }),
  explain_last_verdict: z.object({}),
} as const;

export type ToolName = keyof typeof argSchemas;
export const isToolName = (name: string): name is ToolName => Object.hasOwn(argSchemas, name);

/** The newest first, by whichever time field a document has; a bounded read, sorted here. */
function newest(docs: Doc[]): Doc[] {
  const time = (d: Doc) => String(d.stagedAt ?? d.createdAt ?? d.updatedAt ?? d.at ?? '');
  return [...docs].sort((a, b) => time(b).localeCompare(time(a)) || b.id.localeCompare(a.id));
}

const docsOf = (docs: StoredDoc[]): Doc[] => docs.map((d) => ({ ...(toJson(d) as object), id: d.id }));

export interface Toolbox {
  readonly declarations: ToolDeclaration[];
  /** Runs a tool; throws a plain Error with a message fit for the user when it cannot. */
  run(name: string, args: Record<string, unknown>): Promise<unknown>;
}

export function createToolbox(
  muse: MuseReads,
  opts: { scanLimit?: number; signedUrl?: SignedUrl } = {},
): Toolbox {
  const scan = opts.scanLimit ?? 200;
  /** An asset's media get URLs a browser can load (the talk box shows the pictures). */
  const withMedia = async (asset: Doc): Promise<Doc> =>
    Array.isArray(asset.media)
      ? { ...asset, media: await mediaWithUrls(asset.media, opts.signedUrl) }
      : asset;

  const status = async () => {
    const [doc, open] = await Promise.all([muse.status(), muse.openIncidents(50)]);
    return { ...(toJson(doc) as object), openIncidents: docsOf(open) };
  };

  const tools: { [K in ToolName]: (args: z.infer<(typeof argSchemas)[K]>) => Promise<unknown> } = {
    async show_asset({ assetId }) {
      if (assetId && assetId !== 'latest') {
        const asset = await muse.stagedAsset(assetId);
        if (!asset) throw new Error(`no staged asset ${assetId}`);
        return withMedia({ ...(toJson(asset) as object), id: asset.id });
      }
      const [latest] = newest(docsOf(await muse.stagedAssets(scan)));
      if (!latest) throw new Error('no asset is staged yet');
      return withMedia(latest);
    },
    get_status: status,
    async list_intents({ limit }) {
      const intents = newest(docsOf(await muse.intents(scan)));
      return { intents: intents.slice(0, limit ?? 5), total: intents.length };
    },
    async explain_last_verdict() {
      const s = (await status()) as { lastVerdict?: Record<string, unknown> | null };
      const v = s.lastVerdict;
      if (!v || typeof v.drift !== 'number')
        return { verdict: null, explanation: 'The critic has not judged anything yet.' };
      // Drift may be stored as a fraction (0.013) or a percentage (1.3); below 1 reads as a fraction.
      const fraction = v.drift < 1 ? v.drift : v.drift / 100;
      const pct = (fraction * 100).toFixed(2);
      const pass = typeof v.pass === 'boolean' ? v.pass : fraction < DRIFT_LIMIT;
      const explanation = pass
        ? `Passed: drift ${pct}% is under the 2% limit against the identity Bible.`
        : `Rejected: drift ${pct}% is at or over the 2% limit against the identity Bible.`;
      return {
        verdict: v,
        explanation: typeof v.notes === 'string' && v.notes ? `${explanation} ${v.notes}` : explanation,
      };
    },
  };

  return {
    declarations: TOOL_DECLARATIONS,
    async run(name, args) {
      if (!isToolName(name)) throw new Error(`unknown tool ${name}`);
      const parsed = argSchemas[name].safeParse(args);
      if (!parsed.success)
        throw new Error(`bad arguments for ${name}: ${parsed.error.issues[0]?.message ?? ''}`);
      return (tools[name] as (a: unknown) => Promise<unknown>)(parsed.data);
    },
  };
}
