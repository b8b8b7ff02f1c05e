/**
 * The read-only subcommands (status, gates, wallet, run, missions, sources, roles, audit): each
 * reads through the owning system (the Slack system's `reads`) and renders compact Block Kit.
 */
import { gatesMessage, missionsMessage, runMessage, statusMessage, walletMessage } from '../core/messages.js';
import { auditMessage, rolesMessage } from '../core/operator-messages.js';
import { sourcesMessage } from '../core/sources-message.js';
import type { SlackDeps } from '../deps.js';
import type { Reply } from '../reply.js';
import { loadSlackSettings } from '../settings.js';

export async function statusReply({ reads, config }: SlackDeps): Promise<Reply> {
  const [status, wallet, gates, incidents, latestAsset] = await Promise.all([
    reads.museStatus(),
    reads.wallet().catch(() => undefined),
    reads.openGates(),
    reads.openIncidents(),
    reads.assetPreview().catch(() => undefined),
  ]);
  return statusMessage(
    { status, ...(wallet ? { wallet } : {}), gates, incidents, ...(latestAsset ? { latestAsset } : {}) },
    config.publicBaseUrl,
  );
}

export async function gatesReply({ reads, config }: SlackDeps): Promise<Reply> {
  return gatesMessage(await reads.openGates(), config.publicBaseUrl);
}

/** Ledger entries the wallet reply lists (10 lines of at most 280 characters fit one section). */
const WALLET_REPLY_ENTRIES = 10;

export async function walletReply({ reads }: SlackDeps): Promise<Reply> {
  const [wallet, status, ledger] = await Promise.all([
    reads.wallet(),
    reads.museStatus(),
    reads.ledger(WALLET_REPLY_ENTRIES),
  ]);
  const burn = (status.wallet as { burnRatePerHour?: number } | undefined)?.burnRatePerHour;
  return walletMessage(wallet, burn, ledger);
}

export async function runReply({ reads, config }: SlackDeps, runId: string): Promise<Reply> {
  return runMessage(await reads.pipelineRun(runId), config.publicBaseUrl);
}

export async function missionsReply({ reads, config }: SlackDeps): Promise<Reply> {
  const { missions, next } = await reads.missions();
  return missionsMessage(missions, next, config.publicBaseUrl);
}

export async function sourcesReply({ reads, config }: SlackDeps): Promise<Reply> {
  return sourcesMessage(await reads.trendSources(), config.publicBaseUrl);
}

export async function rolesReply({ db, config }: SlackDeps): Promise<Reply> {
  return rolesMessage(await loadSlackSettings(db), config.publicBaseUrl);
}

export async function auditReply({ reads, config }: SlackDeps, subject: string): Promise<Reply> {
  return auditMessage(subject, await reads.auditOfSubject(subject), config.publicBaseUrl);
}
