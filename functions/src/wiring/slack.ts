/**
 * Builds the Slack system for a container, once: its own documents on `app.db`, the outbox's store
 * from notify, and every other system's capability it calls, each one line over the owner's use
 * case or read (with `via: 'slack'` where the owner records the channel).
 *
 * The owners' reads that had no function of their own yet (open incidents, the awaiting runs'
 * failed scenarios, the open session) are here, named by the owners' exports, until the owners
 * export them; nothing in slack/ reads another system's collection.
 */
import { requireSecret } from '../config.js';
import { decideGate } from '../engine/gates.js';
import { acknowledgeIncident, escalateIncident, resolveIncident } from '../incidents/actions.js';
import { startEscalation } from '../incidents/escalation.js';
import { INCIDENTS, openIncident } from '../incidents/open-incident.js';
import { getIncident } from '../incidents/store.js';
import {
  blockMission,
  completeMission,
  listMissions,
  startMission,
  unblockMission,
} from '../missions/lifecycle.js';
import { auditOfSubject } from '../operators/audit-trail.js';
import { FUNCTIONS } from '../platform/catalog.js';
import { engineOf } from './engine.js';
import type { Container } from '../platform/container.js';
import { classifyFailure } from '../runs/classify.js';
import { approveBlockers, rejectReasons } from '../runs/core/decision.js';
import { decideRun, gatherEvidence } from '../runs/decide.js';
import { resolveGate } from '../runs/gate-and-callback.js';
import { getPipelineRun, listPipelineRuns } from '../runs/read.js';
import { pipelineRunRef, REPORTS } from '../runs/store.js';
import { renderClosureMarkdown } from '../sessions/core/closure.js';
import type { FailureLogInput } from '../sessions/failure-logs.js';
import { createFailureLog } from '../sessions/failure-logs.js';
import { closeSession, startSession } from '../sessions/sessions.js';
import { SESSIONS } from '../sessions/store.js';
import type { RunView } from '../slack/core/messages.js';
import type { SlackOps, SlackReads } from '../slack/deps.js';
import { createSlack, type Slack } from '../slack/system.js';
import { museOf } from './muse.js';
import { notifyOf } from './notify.js';

const built = new WeakMap<Container, Slack>();

const timeoutOf = (name: string) => FUNCTIONS.find((f) => f.name === name)?.timeoutSeconds ?? 60;

function opsOf(app: Container): SlackOps {
  const via = 'slack' as const;
  return {
    decideWorkflowGate: (g) => decideGate(app, { ...g, via }),
    resolvePipelineGate: (runId, g, actor) => resolveGate(app, runId, g, actor, via),
    decidePipelineRun: (runId, d, actor) => decideRun(app, runId, d, actor, via),
    classifyFailure: (runId, c, actor) => classifyFailure(app, runId, c, actor, via),
    startMission: (m) => startMission(app, m),
    completeMission: (m) => completeMission(app, m),
    blockMission: (m) => blockMission(app, m),
    unblockMission: (m) => unblockMission(app, m),
    startSession: (s) => startSession(app, s),
    async openSessionId() {
      // TODO(sessions): an owner's read of the open sessions.
      const snap = await app.db.collection(SESSIONS).where('status', '==', 'open').get();
      return snap.docs
        .map((d) => d.id)
        .sort()
        .at(-1);
    },
    closeSession: async (s) => renderClosureMarkdown(await closeSession(app, s)),
    createFailureLog: (input) => createFailureLog(app, input as unknown as FailureLogInput),
    async openIncident(i) {
      const r = await openIncident(app, { ...i, severity: i.severity as never, source: 'person' });
      if (r.created) await startEscalation(app, r.id);
      return r;
    },
    acknowledgeIncident: (i) => acknowledgeIncident(app, i),
    resolveIncident: (i) => resolveIncident(app, i),
    escalateIncident: (i) => escalateIncident(app, i),
    overrideBreaker: (o) => museOf(app).wallet.override({ ...o, via }),
    exitSafeMode: (o) => museOf(app).critic.exitSafeMode({ ...o, via }),
    requestProduction: (p) => museOf(app).production.request({ ...p, via }),
  };
}

function readsOf(app: Container): SlackReads {
  return {
    async openGates() {
      const runs = await engineOf(app).listWorkflowRuns({ status: 'awaiting_human', limit: 50 });
      return runs.flatMap((r) =>
        Object.values(r.gates ?? {})
          .filter((g) => !g.decision && r.steps[g.stepId]?.status === 'gate')
          .map((g) => ({
            runId: r.id,
            workflow: r.workflow,
            stepId: g.stepId,
            edges: g.edges,
            context: g.context ?? {},
          })),
      );
    },
    async openIncidents() {
      // TODO(incidents): an owner's read of the open incidents.
      const snap = await app.db
        .collection(INCIDENTS)
        .where('status', 'in', ['open', 'acknowledged'])
        .limit(25)
        .get();
      return snap.docs.map((d) => ({
        id: d.id,
        severity: String(d.get('severity')),
        level: Number(d.get('level')),
        status: String(d.get('status')),
        summary: String(d.get('summary')),
      }));
    },
    async incident(id) {
      const inc = await getIncident(app, id);
      return {
        id: inc.id,
        severity: inc.severity,
        summary: inc.summary,
        level: inc.level,
        status: inc.status,
        ...(inc.acknowledgedBy?.kind === 'user' ? { acknowledgedBy: inc.acknowledgedBy.id } : {}),
        ...(inc.resolution ? { resolution: inc.resolution } : {}),
      };
    },
    museStatus: () => museOf(app).status.get(),
    assetPreview: (id) => museOf(app).production.preview(id),
    wallet: () => museOf(app).wallet.get(),
    ledger: async (limit) => (await museOf(app).wallet.ledger({ limit })).entries,
    isPipelineRun: async (runId) => (await pipelineRunRef(app.db, runId).get()).exists,
    async pipelineRun(runId): Promise<RunView> {
      const { run, report } = await getPipelineRun(app.db, runId);
      let policy: RunView['policy'];
      if (run.state === 'evaluating' && !run.decision) {
        const { evidence } = await app.db.runTransaction((tx) => gatherEvidence(app.db, tx, run), {
          readOnly: true,
        });
        policy = {
          rejectReasons: rejectReasons(evidence, { rationale: '-' }),
          approveBlockers: approveBlockers(evidence, {}),
        };
      }
      return {
        id: run.id,
        state: run.state,
        spec: run.spec,
        suite: run.suite,
        stages: run.stages,
        report: report as RunView['report'],
        ...(policy ? { policy } : {}),
        ...(run.decision ? { decision: run.decision } : {}),
      };
    },
    async pipelineRunsAwaitingDecision() {
      const runs = (await listPipelineRuns(app.db, { state: 'evaluating', limit: 10 })).filter(
        (r) => !r.decision,
      );
      return Promise.all(
        runs.map(async (r) => {
          // TODO(runs): an owner's read of a run's failed scenarios.
          const report = await app.db.collection(REPORTS).doc(r.id).get();
          const scenarios = (report.get('scenarios') as Array<{ pass?: boolean }> | undefined) ?? [];
          return {
            id: r.id,
            spec: r.spec,
            failedScenarios: scenarios.filter((s) => s.pass === false).length,
          };
        }),
      );
    },
    missions: () => listMissions(app),
    trendSources: () => museOf(app).trends.sources(),
    auditOfSubject: (subject) => auditOfSubject(app.db, subject),
  };
}

export function slackOf(app: Container): Slack {
  let s = built.get(app);
  if (!s) {
    const { config } = app;
    s = createSlack({
      db: app.db,
      clock: app.clock,
      log: app.log,
      // Read on publish, so a request that never publishes never loads Pub/Sub.
      bus: { publish: (...a) => app.bus.publish(...a) },
      config: {
        publicBaseUrl: config.publicBaseUrl,
        ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
        ...(config.slackBot.botId ? { botId: config.slackBot.botId } : {}),
        ...(config.slackBot.botUserId ? { botUserId: config.slackBot.botUserId } : {}),
        hasBotToken: !!config.secrets.slackBotToken,
        botToken: () => requireSecret(config, 'slackBotToken'),
        signingSecret: () => requireSecret(config, 'slackSigningSecret'),
        timeoutSeconds: Math.min(
          ...FUNCTIONS.filter((f) => f.group === 'slack').map((f) => f.timeoutSeconds),
        ),
        outboxTimeoutSeconds: timeoutOf('slackOutbox'),
      },
      ops: opsOf(app),
      reads: readsOf(app),
      outbox: notifyOf(app).outbox,
    });
    built.set(app, s);
  }
  return s;
}
