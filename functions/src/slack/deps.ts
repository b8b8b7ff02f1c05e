/**
 * What the Slack system is given (its factory's dependencies) and what its parts share at run time.
 * Other systems' capabilities come in as small interfaces (`SlackOps`, `SlackReads`), written in
 * the shapes Slack uses, so this system imports none of their internals; wiring/slack.ts fills them
 * from the owners' use cases.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { App, webApi } from '@slack/bolt';
import type { OutboxStore } from '../notify/system.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { IncidentView } from './core/alerts.js';
import type { HomeView } from './core/home.js';
import type { AssetPreview, LedgerLine, OpenGate, RunView } from './core/messages.js';
import type { AuditLine } from './core/operator-messages.js';
import type { ClientBudget } from './core/pacing.js';
import type { SourcesMessageView } from './core/sources-message.js';
import type { RoleCheck } from './settings.js';

export interface SlackConfig {
  publicBaseUrl: string;
  /** The Web API's base URL (a local Slack server locally and in tests). */
  slackApiUrl?: string;
  botId?: string;
  botUserId?: string;
  /** False when no bot token is configured: the outbox then keeps its entries pending. */
  hasBotToken: boolean;
  /** The secrets, read when the Bolt app is first built (they throw when missing). */
  botToken(): string;
  signingSecret(): string;
  /** The shortest timeout among the Slack functions, which bounds every Web API call's retries. */
  timeoutSeconds: number;
  /** The outbox function's timeout. */
  outboxTimeoutSeconds: number;
}

type Via = { actor: Actor };

/** The use cases of other systems that Slack's subcommands, buttons and modals call. */
export interface SlackOps {
  decideWorkflowGate(g: {
    runId: string;
    stepId?: string;
    edge: string;
    rationale: string;
    actor: Actor;
    slack: { teamId?: string; channelId?: string };
  }): Promise<{ stepId: string; edge: string; rationale: string }>;
  resolvePipelineGate(
    runId: string,
    g: { stageId?: string; edge: string; rationale: string },
    actor: Actor,
  ): Promise<{ stageId: string; edge: string; rationale: string }>;
  decidePipelineRun(
    runId: string,
    d: { decision: 'approve' | 'reject'; rationale: string; outcome?: string },
    actor: Actor,
  ): Promise<{ decision: string; rationale: string; reasons: string[] }>;
  classifyFailure(
    runId: string,
    c: { target: { type: 'scenario'; id: string }; category?: string; userImpact: boolean; note: string },
    actor: Actor,
  ): Promise<unknown>;
  startMission(m: Via & { id: string }): Promise<{ mission: { id: string; status: string } }>;
  completeMission(
    m: Via & { id: string; verification: { command: string; result: 'passed' } },
  ): Promise<{ mission: { id: string }; promoted?: { id: string } | null }>;
  blockMission(
    m: Via & { id: string; needs: string[]; unblockCriteria: string },
  ): Promise<{ mission: { id: string } }>;
  unblockMission(
    m: Via & { id: string; note?: string },
  ): Promise<{ mission: { id: string; status: string } }>;
  startSession(s: Via & { focusAreas?: string[] }): Promise<{
    session: { id: string };
    focusAreas: string[];
    rules: unknown[];
    memories: Array<{ title: string }>;
  }>;
  /** The newest open session's id, if any. */
  openSessionId(): Promise<string | undefined>;
  /** Closes a session; returns its closure report as Markdown. */
  closeSession(s: Via & { id: string; tests: { passed: boolean }; notes?: string }): Promise<string>;
  createFailureLog(input: Record<string, unknown> & Via): Promise<{ id: string }>;
  /** Opens an incident (and starts its escalation when it is new). */
  openIncident(i: Via & { severity: string; summary: string }): Promise<{ id: string; created: boolean }>;
  acknowledgeIncident(i: Via & { incidentId: string }): Promise<unknown>;
  resolveIncident(i: Via & { incidentId: string; summary: string }): Promise<unknown>;
  escalateIncident(
    i: Via & { incidentId: string; reason: string; fromLevel?: number },
  ): Promise<{ changed: boolean; level: number }>;
  overrideBreaker(o: Via & { rationale: string }): Promise<{ loop: string }>;
  exitSafeMode(o: Via & { rationale: string }): Promise<unknown>;
  requestProduction(
    p: Via & { topic: string; requestId: string },
  ): Promise<{ topic: string; intentId: string; runId: string }>;
}

/** What Slack's read-only subcommands, messages and App Home show, read from their owners. */
export interface SlackReads {
  openGates(): Promise<OpenGate[]>;
  openIncidents(): Promise<HomeView['incidents']>;
  incident(id: string): Promise<Omit<IncidentView, 'why'>>;
  museStatus(): Promise<Record<string, unknown>>;
  wallet(): Promise<{ balance: number; reserved: number; available: number; currency: string }>;
  ledger(limit: number): Promise<LedgerLine[]>;
  isPipelineRun(runId: string): Promise<boolean>;
  /** A Level 4 run with its report and, while it awaits its decision, the decision policy's answer. */
  pipelineRun(runId: string): Promise<RunView>;
  pipelineRunsAwaitingDecision(): Promise<HomeView['runs']>;
  missions(): Promise<{
    missions: Array<{ id: string; title?: string; status: string }>;
    next: { id: string } | null;
  }>;
  trendSources(): Promise<SourcesMessageView>;
  auditOfSubject(subject: string): Promise<AuditLine[]>;
  /** A staged asset's first frame and clip (the newest asset without `id`); undefined if none. */
  assetPreview(id?: string): Promise<AssetPreview | undefined>;
}

export interface SlackDeps {
  db: Firestore;
  clock: Clock;
  log: Logger;
  bus: Pick<Bus, 'publish'>;
  config: SlackConfig;
  ops: SlackOps;
  reads: SlackReads;
  /** The outbox's store (notify). */
  outbox: OutboxStore;
}

/** What every part of the Slack app works with once the Web API client is built. */
export interface SlackRuntime {
  deps: SlackDeps;
  web: webApi.WebClient;
  budget: ClientBudget;
  roles: RoleCheck;
}

/** The runtime the listeners register on: with the Bolt app. */
export interface BoltRuntime extends SlackRuntime {
  bolt: App;
}
