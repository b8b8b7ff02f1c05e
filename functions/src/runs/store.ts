/**
 * Transitional (issue 15): slack/home.ts reads reports by this name and slack/jobs/effects.ts reads
 * a run through `pipelineRunRef`. The lead deletes this file at the merge, once they call
 * `runsOf(app).getPipelineRun(...)` (which returns the run with its report).
 */
export { pipelineRunRef } from './repo.js';
export const REPORTS = 'scenarioReports';
