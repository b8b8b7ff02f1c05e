/**
 * Wiring of the muse: builds `createMuse` from the container, adapting the engine's runs, pause
 * switch and events, the incidents system, the audit log and the Slack outbox to the small ports
 * the muse declares (muse/deps.ts). One muse per container (memoised), so the Bible cache, the
 * wallet's queue and the production workflow are shared by every caller in the instance.
 */
import { recordEvent } from '../engine/events.js';
import { addPauseHold, controlRef, getPause, pauseFrom, releasePauseHold } from '../engine/pause.js';
import { engineOf } from './engine.js';
import { decidedBy, type LiveIncident } from '../incidents/recover.js';
import { incidentsOf } from './incidents.js';
import { mediaOf } from './media.js';
import type { MuseDeps } from '../muse/deps.js';
import { createMuse, type Muse } from '../muse/system.js';
import { enqueueDecided, enqueueSlack, kickSlackOutbox } from '../notify/slack-outbox.js';
import { auditInTransaction, recordAudit } from '../platform/audit.js';
import type { Container } from '../platform/container.js';

/** The muse's dependencies from the container (tests build a muse with their own model from these). */
export function museDepsOf(app: Container): MuseDeps {
  const { db } = app;
  return {
    db,
    clock: app.clock,
    log: app.log,
    model: app.model,
    critic: app.config.model.provider === 'gemini' ? 'model' : 'local',
    media: mediaOf(app),
    engine: {
      startRun: (p) => engineOf(app).startWorkflowRun(p),
      pause: () => getPause(app),
      pauseInTx: async (tx) => pauseFrom((await tx.get(controlRef(db))).data()),
      holdInTx: (tx, h) => addPauseHold(db, tx, h),
      release: (r) => releasePauseHold(app, r),
      eventInTx: (tx, e) => void recordEvent(db, tx, e),
    },
    incidents: {
      openInTx: (tx, input, at) => incidentsOf(app).openInTransaction(tx, input, at),
      liveInTx: (tx, by) => incidentsOf(app).readLiveTx(tx, by),
      recoverInTx: (tx, live, r, at) => incidentsOf(app).writeRecovery(tx, live as LiveIncident, r, at),
      escalate: async (id) => void (await incidentsOf(app).startEscalation(id)),
      escalateAfterCommit: (id) => incidentsOf(app).startEscalationAfterCommit(id),
    },
    audit: {
      inTx: (tx, entry, at) => void auditInTransaction(db, tx, entry, at),
      record: async (entry, at) => void (await recordAudit(db, entry, at)),
    },
    slack: {
      enqueueInTx: (tx, id, entry, at) => enqueueSlack(db, tx, id, entry, at),
      decidedInTx: (tx, subject, note, channelKey) =>
        enqueueDecided(db, tx, subject, { ...note, by: decidedBy(note.by) }, channelKey),
      kick: () => kickSlackOutbox(app),
    },
  };
}

const muses = new WeakMap<Container, Muse>();

export function museOf(app: Container): Muse {
  let muse = muses.get(app);
  if (!muse) muses.set(app, (muse = createMuse(museDepsOf(app))));
  return muse;
}
