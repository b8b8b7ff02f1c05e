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
import { INCIDENTS } from '../incidents/open-incident.js';
import { assetsRef } from '../muse/production/assets.js';
import { intentsRef } from '../muse/production/intents.js';
import { statusRef } from '../muse/status/status.js';
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
      watchStatus: (next, fail) => statusRef(db).onSnapshot((snap) => next(snap.data() ?? {}), fail),
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
      status: async () => (await statusRef(db).get()).data() ?? {},
      openIncidents: async (limit) => (await openIncidents().limit(limit).get()).docs.map(withId),
      async stagedAsset(id) {
        const snap = await assetsRef(db).doc(id).get();
        return snap.exists ? withId(snap) : undefined;
      },
      stagedAssets: async (limit) => (await assetsRef(db).limit(limit).get()).docs.map(withId),
      intents: async (limit) => (await intentsRef(db).limit(limit).get()).docs.map(withId),
    },
  };
}
