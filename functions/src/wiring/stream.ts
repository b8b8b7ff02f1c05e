/**
 * The live stream's wiring: the token use case for the API (`streamOf`), and the Firestore side of
 * the stream server's ports (`firestoreStreamPorts`), which the stream service's entry (main.ts)
 * and its tests build the server with.
 */
import type { DocumentSnapshot, Firestore } from '@google-cloud/firestore';
import { requireSecret } from '../config.js';
import { EVENTS } from '../engine/events.js';
import { listWorkflowRuns } from '../engine/workflow-runs.js';
import { listUnresolved, watchUnresolved } from '../incidents/repo.js';
import { listIntents } from '../muse/intents/repo.js';
import { assetsPage, findAsset } from '../muse/production/repo.js';
import { readStatus, watchStatus } from '../muse/status/repo.js';
import { fromMicros } from '../muse/wallet/core/money.js';
import { entriesSince } from '../muse/wallet/repo.js';
import type { Container } from '../platform/container.js';
import type { StreamServerDeps } from '../stream/server.js';
import { createToolbox } from '../stream/toolbox.js';
import { mediaOf } from './media.js';
import { voiceSessionsFor } from './voice.js';
import type { CommitTime } from '../stream/core/seq.js';
import type { MuseReads, StreamFeeds } from '../stream/ports.js';
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

export function firestoreStreamPorts(db: Firestore): { feeds: StreamFeeds; muse: MuseReads } {
  return {
    feeds: {
      watchStatus: (next, fail) => watchStatus(db, (doc) => next(doc as Record<string, unknown>), fail),
      watchOpenIncidents: (next, fail) =>
        watchUnresolved(db, (list) => next(list.map((i) => ({ ...i, id: i.id }))), fail),
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
      openIncidents: async (limit) => (await listUnresolved(db, limit)).map((i) => ({ ...i, id: i.id })),
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

/**
 * Everything the stream server is built from, for the stream service's entry and `npm start`: the
 * Firestore ports, the model, media signing (when a bucket is configured) and voice sessions whose
 * tool calls use the same live toolbox as typed talk.
 */
export function streamServerDepsOf(app: Container): StreamServerDeps {
  const ports = firestoreStreamPorts(app.db);
  const store = mediaOf(app)?.store;
  const signedUrl = store ? async (name: string) => (await store.signedUrl(name)).url : undefined;
  const log = app.log.child({ component: 'stream' });
  const toolbox = createToolbox(ports.muse, signedUrl ? { signedUrl } : {});
  return {
    ...ports,
    model: app.model,
    clock: app.clock,
    log,
    tokenSecret: requireSecret(app.config, 'streamTokenSecret'),
    ...(signedUrl ? { signedUrl } : {}),
    voice: voiceSessionsFor(app, toolbox, log.child({ component: 'voice' })),
  };
}
