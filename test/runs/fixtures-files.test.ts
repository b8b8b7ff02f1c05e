import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { specToGraph, validateSpec, type PipelineSpec } from '../../functions/src/runs/core/spec.js';
import { validateSuite, type ScenarioSuite } from '../../functions/src/runs/core/suite.js';
import { validateGraph } from '../../functions/src/engine/core/graph.js';
import { pipelineSpecSchema, scenarioSuiteSchema } from '../../functions/src/runs/schemas.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'pipelines');
const read = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));

test('the bundled example spec and suite parse and validate', () => {
  const spec = pipelineSpecSchema.parse(read('brief-writer@1.spec.json')) as PipelineSpec;
  assert.deepEqual(validateSpec(spec), []);
  assert.deepEqual(validateGraph(specToGraph(spec)), []);
  const suite = scenarioSuiteSchema.parse(read('brief-writer-suite@1.suite.json')) as ScenarioSuite;
  assert.deepEqual(validateSuite(suite), []);
  assert.equal(suite.pipeline, spec.name);
});
