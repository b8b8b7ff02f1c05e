/**
 * The read-only subcommands (status, gates, wallet, run, missions): each reads through the owning
 * system's use cases and renders compact Block Kit.
 */
import { listRuns } from '../../engine/runs.js';
import { INCIDENTS } from '../../incidents/open-incident.js';
import { listMissions } from '../../missions/lifecycle.js';
import type { Container } from '../../platform/container.js';
import { approveBlockers, rejectReasons } from '../../runs/core/decision.js';
import { gatherEvidence } from '../../runs/decide.js';
import { getPipelineRun } from '../../runs/read.js';
import {
  gatesMessage,
  missionsMessage,
  runMessage,
  statusMessage,
  walletMessage,
  type OpenGate,
  type RunView,
} from '../core/messages.js';
import { sourcesMessage } from '../core/sources-message.js';
import type { Reply } from '../dedupe.js';
import { museOf } from '../../wiring/muse.js';

export async function openGates(app: Container): Promise<OpenGate[]> {
  const runs = await listRuns(app, { status: 'awaiting_human', limit: 50 });
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
}

async function openIncidents(app: Container) {
  const snap = await app.db
    .collection(INCIDENTS)
    .where('status', 'in', ['open', 'acknowledged'])
    .limit(25)
    .get();
  return snap.docs.map((d) => {
    const x = d.data();
    return {
      id: d.id,
      severity: String(x.severity),
      level: Number(x.level),
      status: String(x.status),
      summary: String(x.summary),
    };
  });
}

export async function statusReply(app: Container): Promise<Reply> {
  const [status, wallet, gates, incidents] = await Promise.all([
    museOf(app).status.get(),
    museOf(app)
      .wallet.get()
      .catch(() => undefined),
    openGates(app),
    openIncidents(app),
  ]);
  return statusMessage({ status, ...(wallet ? { wallet } : {}), gates, incidents }, app.config.publicBaseUrl);
}

export async function gatesReply(app: Container): Promise<Reply> {
  return gatesMessage(await openGates(app), app.config.publicBaseUrl);
}

/** Ledger entries the wallet reply lists (10 lines of at most 280 characters fit one section). */
const WALLET_REPLY_ENTRIES = 10;

export async function walletReply(app: Container): Promise<Reply> {
  const [wallet, status, ledger] = await Promise.all([
    museOf(app).wallet.get(),
    museOf(app).status.get(),
    museOf(app).wallet.ledger({ limit: WALLET_REPLY_ENTRIES }),
  ]);
  const burn = (status.wallet as { burnRatePerHour?: number } | undefined)?.burnRatePerHour;
  return walletMessage(wallet, burn, ledger.entries);
}

/** A Level 4 run: summary, scenario report and, while it awaits its decision, the policy's answer. */
export async function runView(app: Container, runId: string): Promise<RunView> {
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
}

export async function runReply(app: Container, runId: string): Promise<Reply> {
  return runMessage(await runView(app, runId), app.config.publicBaseUrl);
}

export async function missionsReply(app: Container): Promise<Reply> {
  const { missions, next } = await listMissions(app);
  return missionsMessage(missions, next, app.config.publicBaseUrl);
}

export async function sourcesReply(app: Container): Promise<Reply> {
  return sourcesMessage(await museOf(app).trends.sources(), app.config.publicBaseUrl);
}
