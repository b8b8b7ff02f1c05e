/**
 * The live stream's wiring: the token use case for the API (`streamOf`), and the Firestore side of
 * the stream server's ports (`firestoreStreamPorts`), which the stream service's entry (main.ts)
 * and its tests build the server with.
 *
 * The listeners and reads below name other systems' documents through their owners' exports; they
 * move to the owners (a watch of the muse's status, of the open incidents, of the event feed; reads
 * of staged assets and intents) when the owners export them.
 */
import type { DocumentSnapshot, Firestore } from '@google-cloud/firestore';
import { requireSecret } from '../config.js';
import { EVENTS } from '../engine/events.js';
import { listWorkflowRuns } from '../engine/workflow-runs.js';
import { INCIDENTS } from '../incidents/open-incident.js';
import { listIntents } from '../muse/intents/repo.js';
import { assetsPage, findAsset } from '../muse/production/repo.js';
import { readStatus, watchStatus } from '../muse/status/repo.js';
import { fromMicros } from '../muse/wallet/core/money.js';
import { entriesSince } from '../muse/wallet/repo.js';
import type { Container } from '../platform/container.js';
import type { CommitTime } from '../stream/core/seq.js';
import type { MuseReads, StoredDoc, StreamFeeds } from '../stream/ports.js';
import { createStream, type Stream } from '../stream/system.js';

const built = new WeakMap<Container, Stream>();

export function streamOf(app: Container): Stream {
  let s = built.get(app);
  if (!s) {
    s = createStream({
      clock: app.clock,
      tokenSecret: () => requireSecret(app.config, 'streamTokenSecret'),
      streamPublicUrl: app.config.streamPublicUrl,
    });
    built.set(app, s);
  }
  return s;
}

/**
 * The commit time an event carries (`committedAt`, written by its commit). An event written before
 * the field existed falls back to its createTime, which an import rewrites.
 */
export function storedCommitTime(doc: DocumentSnapshot): CommitTime {
  const t = doc.get('committedAt') as CommitTime | undefined;
  return t && typeof t.seconds === 'number' ? t : doc.createTime!;
}

const withId = (d: DocumentSnapshot): StoredDoc => ({ ...(d.data() ?? {}), id: d.id });

export function firestoreStreamPorts(db: Firestore): { feeds: StreamFeeds; muse: MuseReads } {
  const openIncidents = () => db.collection(INCIDENTS).where('status', '!=', 'resolved');
  return {
    feeds: {
      watchStatus: (next, fail) => watchStatus(db, (doc) => next(doc as Record<string, unknown>), fail),
      watchOpenIncidents: (next, fail) => openIncidents().onSnapshot((qs) => next(qs.docs.map(withId)), fail),
      watchEvents: (since, next, fail) =>
        db
          .collection(EVENTS)
          .where('at', '>=', since)
          .orderBy('at')
          .onSnapshot(
            (qs) =>
              next(
                qs
                  .docChanges()
                  .filter((c) => c.type === 'added')
                  .map((c) => ({ id: c.doc.id, commit: storedCommitTime(c.doc), data: c.doc.data() })),
              ),
            fail,
          ),
    },
    muse: {
      status: async () => (await readStatus(db)) as Record<string, unknown>,
      openIncidents: async (limit) => (await openIncidents().limit(limit).get()).docs.map(withId),
      async stagedAsset(id) {
        const asset = await findAsset(db, id);
        return asset ? { ...asset, id: asset.id } : undefined;
      },
      stagedAssets: async (limit) => (await assetsPage(db, limit)).map((a) => ({ ...a, id: a.id })),
      intents: async (limit) => (await listIntents(db, { limit })).map((i) => ({ ...i, id: i.id })),
      async openGates(limit) {
        const runs = await listWorkflowRuns({ db }, { status: 'awaiting_human', limit });
        return runs.flatMap((r) =>
          Object.values(r.gates ?? {})
            .filter((g) => !g.decision && r.steps[g.stepId]?.status === 'gate')
            .map((g) => ({ runId: r.id, workflow: r.workflow, stepId: g.stepId, edges: g.edges })),
        );
      },
      ledgerSince: async (since) =>
        (await entriesSince(db, since)).map((e) => ({
          atMs: e.at.getTime(),
          type: e.type,
          amount: fromMicros(e.amount),
          balanceAfter: fromMicros(e.balanceAfter),
        })),
    },
  };
}
