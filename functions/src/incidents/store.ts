/**
 * Transitional (issue 15): slack/refresh.ts and tests outside incidents/ import the read
 * functions from here. The lead deletes this file at the merge, once they use `incidentsOf(app)`.
 */
export { getIncident, readIncidentTx, type StoredIncident } from './repo.js';
