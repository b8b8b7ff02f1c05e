/**
 * Voice wired to the product: the live model named by the configuration (the deterministic local
 * one unless MODEL_PROVIDER=gemini), the live toolbox over the muse's reads, and the CFO. A
 * session is priced per minute from the wallet's price table: its longest length is reserved
 * before it opens (refused while the breaker holds, or when the reserve floor would be crossed),
 * and what it really lasted is settled when it ends. A live model with no price fails closed.
 */
import { createGeminiLiveModel } from '../voice/gemini-live.js';
import { createLocalLiveModel, LOCAL_LIVE_MODEL } from '../voice/local-live.js';
import { dropHold, dueHolds, holdOf, placeHold } from '../voice/holds.js';
import type { LiveModel } from '../voice/port.js';
import { isAppError } from '../shared/errors.js';
import { createVoiceSessions, type VoiceCost, type VoiceSessions } from '../voice/sessions.js';
import type { VoiceToolbox } from '../voice/relay.js';
import { estimateMediaCost } from '../muse/wallet/core/pricing.js';
import type { Config } from '../config.js';
import type { Container } from '../platform/container.js';
import type { Logger } from '../platform/log.js';
import { museOf } from './muse.js';

/** The live model's name: what the price table must list. */
export const liveModelName = (config: Config): string =>
  config.model.provider === 'gemini' ? (config.model.geminiLiveModel ?? GEMINI_LIVE_MODEL) : LOCAL_LIVE_MODEL;

const GEMINI_LIVE_MODEL = 'gemini-live-2.5-flash';

function liveModelOf(config: Config): LiveModel {
  if (config.model.provider !== 'gemini') return createLocalLiveModel();
  return createGeminiLiveModel({
    project: config.projectId,
    location: config.model.location,
    model: liveModelName(config),
    ...(config.model.baseUrl ? { baseUrl: config.model.baseUrl } : {}),
  });
}

const reservationKey = (sessionId: string) => `voice-${sessionId}`;

/** The CFO's side of voice: breaker, reserve and settle through the muse's wallet. */
export function voiceCostOf(app: Container): VoiceCost {
  const model = liveModelName(app.config);
  const priced = async (minutes: number) => {
    const settings = await museOf(app).wallet.settings();
    if (!settings.ok) return { ok: false as const, reason: settings.error };
    const est = estimateMediaCost(settings.value.priceTable, model, { minutes });
    return est.ok ? { ok: true as const, amount: est.amount, floor: settings.value.reserveFloor } : est;
  };
  return {
    breakerOpen: async () => (await museOf(app).wallet.breaker()).tripped,
    async reserve(sessionId, minutes) {
      const p = await priced(minutes);
      if (!p.ok) return p;
      // The hold first: should this instance die before it settles, the sweep settles for it.
      const now = app.clock.now();
      await placeHold(app.db, {
        sessionId,
        amount: p.amount,
        minutes,
        createdAt: now,
        settleBy: new Date(now.getTime() + minutes * 60_000 + HOLD_GRACE_MS),
      });
      const r = await museOf(app).wallet.reserve({
        key: reservationKey(sessionId),
        intentId: 'voice',
        runId: sessionId,
        amount: p.amount,
        floor: p.floor,
      });
      if (!r.ok) await dropHold(app.db, sessionId);
      return r.ok ? { ok: true } : r;
    },
    async settle(sessionId, actualMinutes) {
      const p = await priced(actualMinutes);
      // A price that is gone (the model taken out of the price table mid-session) must not make the
      // session free: it is charged what was reserved for it, the most it could have cost.
      const actual = p.ok ? p.amount : ((await holdOf(app.db, sessionId))?.amount ?? 0);
      if (!p.ok)
        app.log.warn('voice session priced at its reservation: its price cannot be read', {
          sessionId,
          reason: p.reason,
        });
      await museOf(app).wallet.settle({ reservationKey: reservationKey(sessionId), actual });
      await dropHold(app.db, sessionId);
    },
  };
}

/** How long past a session's longest length its hold waits for the instance's own settlement. */
const HOLD_GRACE_MS = 5 * 60_000;

/**
 * Settles the reservations of voice sessions whose instance never did (holds.ts): each at its full
 * reservation (the instance died without saying how long the session lasted, so the CFO counts
 * the most it could have cost), then drops the hold. Run by the heartbeat sweep.
 */
export async function settleAbandonedVoiceSessions(
  app: Container,
): Promise<{ settled: number; dropped: number; kept: number }> {
  const result = { settled: 0, dropped: 0, kept: 0 };
  for (const hold of await dueHolds(app.db, app.clock.now())) {
    try {
      const r = await museOf(app).wallet.settle({
        reservationKey: reservationKey(hold.sessionId),
        actual: hold.amount,
      });
      if (!r.replay) {
        result.settled += 1;
        app.log.warn('voice session abandoned by its instance: settled at its full reservation', {
          sessionId: hold.sessionId,
          amount: hold.amount,
          since: hold.createdAt.toISOString(),
        });
      }
    } catch (err) {
      if (!isAppError(err) || err.code !== 'not_found') {
        // Refused (wallet settings that do not parse: their incident is open) or unreachable: the
        // hold stays for the next sweep, and the other holds and the rest of the job go on.
        result.kept += 1;
        app.log.warn('abandoned voice session not settled yet; the next sweep retries', {
          sessionId: hold.sessionId,
          err,
        });
        continue;
      }
      result.dropped += 1; // no reservation behind the hold: the reserve itself never committed
    }
    await dropHold(app.db, hold.sessionId);
  }
  return result;
}

/** The instance's voice sessions, talking through `toolbox` (the stream's live toolbox). */
export function voiceSessionsFor(app: Container, toolbox: VoiceToolbox, log: Logger): VoiceSessions {
  return createVoiceSessions({ live: liveModelOf(app.config), toolbox, cost: voiceCostOf(app), log });
}
