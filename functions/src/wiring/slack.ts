/**
 * Builds the Slack system for a container, once: its own documents on `app.db`, the outbox's store
 * from notify, and every other system's capability it calls, each one line over the owner's use
 * case or read (with `via: 'slack'` where the owner records the channel).
 */
import { requireSecret } from '../config.js';
import { auditOfSubject } from '../operators/audit-trail.js';
import { FUNCTIONS } from '../platform/catalog.js';
import type { Container } from '../platform/container.js';
import { approveBlockers, rejectReasons } from '../runs/core/decision.js';
import { gatherEvidence } from '../runs/decide.js';
import { renderClosureMarkdown } from '../sessions/core/closure.js';
import type { FailureLogInput } from '../sessions/failure-logs.js';
import type { RunView } from '../slack/core/messages.js';
import type { SlackOps, SlackReads } from '../slack/deps.js';
import { createSlack, type Slack } from '../slack/system.js';
import { engineOf } from './engine.js';
import { incidentsOf } from './incidents.js';
import { missionsOf } from './missions.js';
import { museOf } from './muse.js';
import { notifyOf } from './notify.js';
import { runsOf } from './runs.js';
import { sessionsOf } from './sessions.js';

const built = new WeakMap<Container, Slack>();

const timeoutOf = (name: string) => FUNCTIONS.find((f) => f.name === name)?.timeoutSeconds ?? 60;

function opsOf(app: Container): SlackOps {
  const via = 'slack' as const;
  return {
    decideWorkflowGate: (g) => engineOf(app).decideGate({ ...g, via }),
    resolvePipelineGate: (runId, g, actor) => runsOf(app).resolveGate(runId, g, actor, via),
    decidePipelineRun: (runId, d, actor) => runsOf(app).decidePipelineRun(runId, d, actor, via),
    classifyFailure: (runId, c, actor) => runsOf(app).classifyFailure(runId, c, actor, via),
    startMission: (m) => missionsOf(app).startMission(m),
    completeMission: (m) => missionsOf(app).completeMission(m),
    blockMission: (m) => missionsOf(app).blockMission(m),
    unblockMission: (m) => missionsOf(app).unblockMission(m),
    startSession: (s) => sessionsOf(app).startSession(s),
    async openSessionId() {
      const open = await sessionsOf(app).listOpen();
      return open
        .map((x) => x.id)
        .sort()
        .at(-1);
    },
    closeSession: async (s) => renderClosureMarkdown(await sessionsOf(app).closeSession(s)),
    createFailureLog: (input) => sessionsOf(app).createFailureLog(input as unknown as FailureLogInput),
    async openIncident(i) {
      const r = await incidentsOf(app).openOnly({ ...i, severity: i.severity as never, source: 'person' });
      if (r.created) await incidentsOf(app).startEscalation(r.id);
      return r;
    },
    acknowledgeIncident: (i) => incidentsOf(app).acknowledge(i),
    resolveIncident: (i) => incidentsOf(app).resolve(i),
    escalateIncident: (i) => incidentsOf(app).escalate(i),
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
      return (await incidentsOf(app).listLive(25)).map((x) => ({
        id: x.id,
        severity: String(x.severity),
        level: Number(x.level),
        status: String(x.status),
        summary: String(x.summary),
      }));
    },
    async incident(id) {
      const inc = await incidentsOf(app).get(id);
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
    isPipelineRun: (runId) => runsOf(app).pipelineRunExists(runId),
    async pipelineRun(runId): Promise<RunView> {
      const { run, report } = await runsOf(app).getPipelineRun(runId);
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
      const runs = (await runsOf(app).listPipelineRuns({ state: 'evaluating', limit: 10 })).filter(
        (r) => !r.decision,
      );
      return Promise.all(
        runs.map(async (r) => {
          const report = await runsOf(app).getScenarioReport(r.id);
          const scenarios = (report?.scenarios ?? []) as Array<{ pass?: boolean }>;
          return {
            id: r.id,
            spec: r.spec,
            failedScenarios: scenarios.filter((x) => x.pass === false).length,
          };
        }),
      );
    },
    missions: () => missionsOf(app).listMissions(),
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
