/**
 * What the tasks system needs from other systems, as small interfaces its factory is given. The
 * incidents system's factory satisfies `IncidentsPort`; Level 4's and the engine's reads satisfy
 * the metrics ports.
 */
import type { Incidents } from '../incidents/system.js';

/** Opening, finding and recovering the incidents a silent task causes; the sweeps' backstops. */
export type IncidentsPort = Pick<
  Incidents,
  | 'openInTransaction'
  | 'readLiveTx'
  | 'writeRecovery'
  | 'startEscalation'
  | 'ensureEscalations'
  | 'alertPhaseOverruns'
>;

/** The incident fields the reports and metrics read. */
export interface IncidentSummary {
  id: string;
  severity: string;
  level: number;
  status: string;
  summary: string;
  openedAt: Date;
  acknowledgedAt?: Date;
  resolvedAt?: Date;
}

/** Reads the reports and metrics make of other systems (the incidents', the engine's runs). */
export interface ReportSources {
  /** Open or acknowledged incidents. */
  liveIncidents(limit: number): Promise<IncidentSummary[]>;
  /** Incidents opened in [from, to). */
  incidentsOpenedBetween(from: Date, to: Date): Promise<IncidentSummary[]>;
  /** Statuses of the engine runs created in [from, to) (the error rate). */
  runStatusesCreatedBetween(from: Date, to: Date): Promise<string[]>;
  /** Whether the Pub/Sub dead-letter topic answers (the daily report's component check). */
  pubsubReachable(): Promise<boolean>;
}
