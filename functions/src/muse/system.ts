/**
 * The muse (SMOS v2) as one factory: `createMuse(deps)` returns every use case of its subsystems,
 * each closing over the dependencies it was given, grouped as people think of them: the trend
 * loop, the CFO wallet and breaker, production (on demand, for an intent, for a Level 4 brief,
 * and its workflow), the critic's safe mode, and the status everyone reads.
 *
 * Routes, triggers, Slack and the stream call these; `wiring/muse.ts` builds the deps.
 */

import type { SettingsRead } from '../platform/settings.js';
import type { Actor } from '../shared/ports.js';
import type { SafeModeState } from './critic/core/safe-mode.js';
import { exitSafeMode, getSafeMode } from './critic/safe-mode-store.js';
import type { MuseDeps, Via } from './deps.js';
import { listIntents, type IntentDoc, type IntentStatus } from './intents/repo.js';
import {
  assetPreview,
  getAsset,
  latestAsset,
  linkedAsset,
  listAssets,
  type AssetPreview,
  type LinkedAsset,
  type StagedAsset,
} from './production/assets.js';
import { loadBible, saveBible } from './production/bible-store.js';
import { produceBrief, type BriefRequest } from './production/brief.js';
import type { Bible } from './production/core/bible.js';
import { requestProduction, type OnDemandResult } from './production/on-demand.js';
import { PRODUCTION_OPTIONS, type ProductionOptions } from './production/options.js';
import { produceIntent, type ProduceResult } from './production/produce.js';
import type { ProductionWorkflow } from './production/step.js';
import { museProductionWorkflow } from './production/workflow.js';
import { WALLET_SETTINGS } from './settings.js';
import type { SettingsChange } from './settings-write.js';
import { museStatus, type MuseStatusView } from './status/view.js';
import { readStatus, watchStatus, type MuseStatusDoc } from './status/repo.js';
import type { SourceSetting, TickSettings } from './trends/core/settings.js';
import { runScheduledLoop, runTrendLoop, type LoopResult } from './trends/loop.js';
import { putTickSettings, putTrendSources, readTrendConfig } from './trends/settings-store.js';
import { sourcesView, type SourcesView } from './trends/sources-view.js';
import type { SourceDef } from './trends/sources/sources.js';
import { getTick, runTrendTick, type TickSummary } from './trends/tick.js';
import {
  checkBreaker,
  getBreaker,
  overrideBreaker,
  tripBreaker,
  type BreakerState,
} from './wallet/breaker.js';
import { checkBreakerAfterMovement } from './wallet/breaker-check.js';
import {
  creditWallet,
  debitWallet,
  reserveFunds,
  settleReservation,
  type LedgerDeps,
  type ReserveResult,
  type SettleResult,
} from './wallet/ledger.js';
import {
  getWallet,
  listLedger,
  verifyLedger,
  type LedgerEntry,
  type WalletView,
} from './wallet/ledger-queries.js';
import type { WalletSettings } from './wallet/policy.js';
import { putWalletSettings, readWalletSettings } from './wallet/settings-store.js';
import { loadWalletSettings, recoverWalletSettings } from './wallet/settings-health.js';

type Movement = { replay: boolean; wallet: WalletView };

export interface Muse {
  trends: {
    /** Tick, then production for the new intents: the scheduler's and `POST /v1/muse/ticks`' use case. */
    runLoop(p: { tickId: string; actor: Actor }): Promise<LoopResult>;
    /** The scheduler's firing: its tick id, and a firing that finds another tick running skips. */
    runScheduled(firedAt: Date): Promise<Record<string, unknown>>;
    /** One tick alone; `sources` and `settings` override the stored ones (bench, tests). */
    runTick(p: {
      tickId: string;
      sources?: readonly SourceDef[];
      now?: Date;
      settings?: Partial<TickSettings>;
    }): Promise<TickSummary>;
    getTick(tickId: string): Promise<{ id: string; status: string; summary?: TickSummary } | null>;
    listIntents(q: { status?: IntentStatus; limit: number }): Promise<IntentDoc[]>;
    sources(): Promise<SourcesView>;
    putSources(change: SettingsChange & { sources: SourceSetting[] }): Promise<SourcesView>;
    tickSettings(): Promise<SettingsRead<TickSettings>>;
    putTickSettings(change: SettingsChange & { settings: TickSettings }): Promise<SettingsRead<TickSettings>>;
  };
  wallet: {
    get(): Promise<WalletView>;
    /** The wallet and its breaker (`GET /v1/muse/wallet`). */
    overview(): Promise<{ wallet: WalletView; breaker: BreakerState }>;
    ledger(p?: { limit?: number; after?: number }): Promise<{ entries: LedgerEntry[]; next?: number }>;
    verify(): Promise<{ ok: boolean; derived: WalletView; head: WalletView }>;
    credit(p: { key: string; amount: number; actor: Actor; note?: string; via?: Via }): Promise<Movement>;
    debit(p: {
      key: string;
      amount: number;
      actor: Actor;
      rationale: string;
      note?: string;
      via?: Via;
    }): Promise<Movement>;
    reserve(p: {
      key: string;
      intentId: string;
      runId: string;
      amount: number;
      floor: number;
    }): Promise<ReserveResult>;
    settle(p: { reservationKey: string; actual: number }): Promise<SettleResult>;
    breaker(): Promise<BreakerState>;
    checkBreaker(): ReturnType<typeof checkBreaker>;
    trip(p: { reason: string; actor: Actor; via?: Via }): ReturnType<typeof tripBreaker>;
    override(p: { actor: Actor; rationale: string; via?: Via }): ReturnType<typeof overrideBreaker>;
    settings(): Promise<SettingsRead<WalletSettings>>;
    putSettings(change: SettingsChange & { settings: WalletSettings }): Promise<SettingsRead<WalletSettings>>;
  };
  production: {
    produceIntent(p: { intentId: string; actor: Actor }): Promise<ProduceResult>;
    request(p: { topic: string; requestId?: string; actor: Actor; via: Via }): Promise<OnDemandResult>;
    produceBrief(req: BriefRequest): Promise<{ intentId: string; productionRunId: string; status: string }>;
    getAsset(id: string): Promise<StagedAsset>;
    /** The asset with a signed URL per medium (`GET /v1/muse/assets/:id`). */
    linkedAsset(id: string, ttlSeconds?: number): Promise<LinkedAsset>;
    /** The first frame and clip of asset `id` (or the newest), by week-long links for Slack. */
    preview(id?: string): Promise<AssetPreview | undefined>;
    /** The newest asset, linked (the banner), if any. */
    latestAsset(ttlSeconds?: number): Promise<LinkedAsset | undefined>;
    listAssets(q?: { limit?: number; before?: string }): Promise<StagedAsset[]>;
    bible(): Promise<Bible>;
    saveBible(p: { actor: Actor; bible: unknown; via: Via }): Promise<Bible>;
    /** The `muse-production` workflow, built over these deps. */
    workflow(): ProductionWorkflow;
  };
  critic: {
    safeMode(): Promise<SafeModeState>;
    exitSafeMode(p: {
      actor: Actor;
      rationale: string;
      via?: 'api' | 'slack' | 'cli';
    }): Promise<SafeModeState>;
  };
  status: {
    /** The status view (defaults filled in, trend settings checked). */
    get(): Promise<MuseStatusView>;
    /** The stored document as it is. */
    read(): Promise<MuseStatusDoc>;
    watch(next: (s: MuseStatusDoc) => void, fail: (err: Error) => void): () => void;
  };
}

export function createMuse(deps: MuseDeps, options: ProductionOptions = PRODUCTION_OPTIONS): Muse {
  const { db } = deps;
  const breakerAfterMovement = () => checkBreakerAfterMovement(deps);
  const ledgerDeps: LedgerDeps = { ...deps, checkBreaker: breakerAfterMovement };
  const breakerCheck = () => checkBreaker(deps);
  const produce = (p: { intentId: string; actor: Actor }) => produceIntent(deps, p);
  const tick: Muse['trends']['runTick'] = (p) => runTrendTick(deps, breakerCheck, p);
  const loop = (p: { tickId: string; actor: Actor }) => runTrendLoop(deps, { tick, produce }, p);
  const settle = (p: { reservationKey: string; actual: number }) => settleReservation(ledgerDeps, p);
  const tickSettings = async () => (await readTrendConfig(db)).tick;
  let workflow: ProductionWorkflow | undefined;

  return {
    trends: {
      runLoop: loop,
      runScheduled: (firedAt) => runScheduledLoop(loop, firedAt),
      runTick: tick,
      getTick: (id) => getTick(deps, id),
      listIntents: (q) => listIntents(db, q),
      sources: () => sourcesView(deps),
      putSources: async (change) => {
        await putTrendSources(deps, change);
        return sourcesView(deps);
      },
      tickSettings,
      putTickSettings: async (change) => {
        await putTickSettings(deps, change);
        return tickSettings();
      },
    },
    wallet: {
      get: () => getWallet(db),
      overview: async () => ({ wallet: await getWallet(db), breaker: await getBreaker(deps) }),
      ledger: (p) => listLedger(db, p),
      verify: () => verifyLedger(db),
      credit: (p) => creditWallet(ledgerDeps, p),
      debit: (p) => debitWallet(ledgerDeps, p),
      reserve: (p) => reserveFunds(ledgerDeps, p),
      settle,
      breaker: () => getBreaker(deps),
      checkBreaker: breakerCheck,
      trip: (p) => tripBreaker(deps, p),
      override: (p) => overrideBreaker(deps, p),
      settings: () => readWalletSettings(deps),
      putSettings: async (change) => {
        await putWalletSettings(deps, change);
        await recoverWalletSettings(
          deps,
          `${WALLET_SETTINGS.path} replaced by ${change.actor.kind}:${change.actor.id} (${change.rationale.slice(0, 300)})`,
        );
        return readWalletSettings(deps);
      },
    },
    production: {
      produceIntent: produce,
      request: (p) => requestProduction(deps, breakerCheck, p),
      produceBrief: (req) => produceBrief(deps, req),
      getAsset: (id) => getAsset(db, id),
      linkedAsset: (id, ttl) => linkedAsset(db, deps.media, id, ttl),
      latestAsset: (ttl) => latestAsset(db, deps.media, ttl),
      preview: (id) => assetPreview(db, deps.media, id),
      listAssets: (q) => listAssets(db, q),
      bible: () => loadBible(db, deps.clock.now()),
      saveBible: (p) => saveBible({ db, now: deps.clock.now(), audit: deps.audit }, p),
      workflow: () =>
        (workflow ??= museProductionWorkflow({
          ...deps,
          walletSettings: () => loadWalletSettings(deps),
          settle,
          options,
        })),
    },
    critic: {
      safeMode: () => getSafeMode(deps),
      exitSafeMode: (p) => exitSafeMode(deps, p),
    },
    status: {
      get: () => museStatus(db),
      read: () => readStatus(db),
      watch: (next, fail) => watchStatus(db, next, fail),
    },
  };
}
