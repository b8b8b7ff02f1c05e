/**
 * What the status page shows beyond the status and the event feed: the gallery of the latest
 * staged assets, the gates waiting for a person, and the wallet over the last 24 h. Both are reads (not changes the feed carries),
 * so this instance reads them once, frames them once (`gallery`, `wallet`, core/frames.ts), sends
 * the latest frames after every hello, and broadcasts fresh ones when they change: the gallery when
 * an asset is staged, the gates when one opens or is decided, the wallet when the status's wallet moves (at most every `walletEveryMs`)
 * and every `refreshMs` (signed picture URLs expire; the 24 h window slides). A failed read keeps
 * the last frames and is tried again on the next refresh: the page never depends on it to connect.
 */
import type { Logger } from '../platform/log.js';
import type { Clock } from '../shared/ports.js';
import { galleryFrame, gatesFrame, walletFrame } from './core/frames.js';
import { walletSeries } from './core/wallet-series.js';
import { assetView, type SignedUrl } from './asset-view.js';
import type { MuseReads } from './ports.js';
import type { FeedEvent } from './source.js';

export interface PageFeed {
  /** The latest page frames, sent to a client after its hello. */
  frames(): string[];
  /** Reads everything now, and from then on every `refreshMs` (the server calls it at start). */
  refresh(): Promise<void>;
  events(events: FeedEvent[]): void;
  status(status: Record<string, unknown>): void;
  stop(): void;
}

export interface PageFeedDeps {
  muse: MuseReads;
  signedUrl?: SignedUrl;
  clock: Clock;
  log: Logger;
  broadcast(text: string): void;
  galleryLimit?: number;
  refreshMs?: number;
  walletEveryMs?: number;
}

export function createPageFeed(deps: PageFeedDeps): PageFeed {
  const limit = deps.galleryLimit ?? 6;
  const walletEveryMs = deps.walletEveryMs ?? 15_000;
  let gallery: string | undefined;
  let wallet: string | undefined;
  let gates: string | undefined;
  let walletKey = '';
  let balanceNow: number | undefined;
  let walletTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function readGallery(): Promise<void> {
    try {
      // The read is newest first (by creation time); keep that order.
      const newest = (await deps.muse.stagedAssets(limit)).slice(0, limit);
      const assets = await Promise.all(newest.map((d) => assetView(d, deps.signedUrl)));
      gallery = galleryFrame(assets);
      if (!stopped) deps.broadcast(gallery);
    } catch (err) {
      deps.log.warn('stream gallery read failed', { err });
    }
  }

  async function readWallet(): Promise<void> {
    try {
      const nowMs = deps.clock.now().getTime();
      const entries = await deps.muse.ledgerSince(new Date(nowMs - 24 * 3600_000));
      wallet = walletFrame(walletSeries(entries, { nowMs, balanceNow }));
      if (!stopped) deps.broadcast(wallet);
    } catch (err) {
      deps.log.warn('stream wallet read failed', { err });
    }
  }

  async function readGates(): Promise<void> {
    try {
      gates = gatesFrame(await deps.muse.openGates(25));
      if (!stopped) deps.broadcast(gates);
    } catch (err) {
      deps.log.warn('stream gates read failed', { err });
    }
  }

  async function refreshAll(): Promise<void> {
    await Promise.all([readGallery(), readWallet(), readGates()]);
  }

  return {
    frames: () => [gallery, gates, wallet].filter((f): f is string => f !== undefined),
    refresh() {
      if (!timer && !stopped) {
        timer = setInterval(() => void refreshAll(), deps.refreshMs ?? 10 * 60_000);
        timer.unref();
      }
      return refreshAll();
    },
    events(events) {
      const types = new Set(events.map((e) => e.event.type));
      if (types.has('muse.asset.staged')) void readGallery();
      if (['gate.opened', 'gate.decided', 'run.failed', 'run.succeeded'].some((t) => types.has(t)))
        void readGates();
    },
    status(status) {
      const w = status.wallet as Record<string, unknown> | undefined;
      if (typeof w?.balance === 'number') balanceNow = w.balance;
      const key = JSON.stringify([w?.balance, w?.reserved, w?.burnRatePerHour]);
      if (key === walletKey) return;
      const first = walletKey === ''; // the status at start: refresh() reads the wallet anyway
      walletKey = key;
      if (first || walletTimer || stopped) return;
      walletTimer = setTimeout(() => {
        walletTimer = undefined;
        void readWallet();
      }, walletEveryMs);
      walletTimer.unref();
    },
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (walletTimer) clearTimeout(walletTimer);
    },
  };
}
