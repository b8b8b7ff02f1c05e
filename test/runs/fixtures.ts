/** Specs and suites shared by the runs tests. */
import type { PipelineSpec } from '../../functions/src/runs/core/spec.js';
import type { ScenarioSuite } from '../../functions/src/runs/core/suite.js';

export function gatedSpec(version = '1', over: Partial<PipelineSpec> = {}): PipelineSpec {
  return {
    name: 'brief-writer',
    version,
    start: ['draft'],
    stages: [
      { id: 'draft', kind: 'model', prompt: 'Write a short post about {{input.topic}}.', next: ['review'] },
      {
        id: 'review',
        kind: 'human',
        context: 'Draft: {{outputs.draft.text}}',
        options: { publish: ['polish'], discard: [] },
      },
      {
        id: 'polish',
        kind: 'model',
        prompt: 'Polish this post about {{input.topic}}: {{outputs.draft.text}}',
      },
    ],
    policyChecks: [
      {
        id: 'draft-present',
        description: 'a draft exists',
        check: { kind: 'jsonPath', stage: 'draft', path: '$.text' },
      },
    ],
    profiles: { staging: { baseUrl: 'http://127.0.0.1:1' } },
    ...over,
  };
}

export function suiteFor(spec: string, version = '1', over: Partial<ScenarioSuite> = {}): ScenarioSuite {
  return {
    name: `${spec}-suite`,
    version,
    pipeline: spec,
    repeat: 1,
    scenarios: [
      {
        id: 'mentions-topic',
        title: 'the draft mentions the topic',
        holdout: false,
        critical: true,
        checks: [{ kind: 'contains', stage: 'draft', path: '$.text', text: 'lighthouses' }],
      },
      {
        id: 'holdout-run-ok',
        title: 'the run succeeded',
        holdout: true,
        critical: false,
        checks: [{ kind: 'jsonPath', stage: '$run', path: '$.state', equals: 'succeeded' }],
      },
    ],
    ...over,
  };
}
