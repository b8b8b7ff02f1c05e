/**
 * Terraform deploys the tested rules (issue 13, item 22): infra/rules.tf makes a ruleset from
 * exactly the file test/infra/rules.int.test.ts tests and the local emulator enforces
 * (`RULES_FILE`), and releases it as `cloud.firestore`, the release the (default) database serves.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { before, test } from 'node:test';
import { RULES_FILE } from '../../scripts/lib/emulators.js';
import { INFRA, loadTerraform, resource, type Terraform } from './terraform.js';

let tf: Terraform;
before(async () => {
  tf = await loadTerraform();
});

test('the ruleset Terraform deploys is firestore.rules, the file the rules tests load', () => {
  const ruleset = resource(tf, 'google_firebaserules_ruleset', 'firestore');
  const files = (ruleset.source as Array<{ files: Array<{ name: string; content: string }> }>).flatMap(
    (s) => s.files,
  );
  assert.equal(files.length, 1, 'one rules file in the ruleset');
  const m = /^\$\{file\("\$\{path\.module\}\/([^"]+)"\)\}$/.exec(files[0]!.content);
  assert.ok(m, `the ruleset's content must be file("\${path.module}/…"), got ${files[0]!.content}`);
  const deployed = resolve(INFRA, m[1]!);
  assert.equal(deployed, RULES_FILE, 'infra/rules.tf deploys a different file from the tested one');
  assert.equal(readFileSync(deployed, 'utf8'), readFileSync(RULES_FILE, 'utf8'));
  assert.match(readFileSync(deployed, 'utf8'), /service cloud\.firestore/);
});

test('the release points cloud.firestore at that ruleset and follows it when it changes', () => {
  const release = resource(tf, 'google_firebaserules_release', 'firestore');
  assert.equal(release.name, 'cloud.firestore');
  assert.match(String(release.ruleset_name), /\$\{google_firebaserules_ruleset\.firestore\.name\}$/);
  const lifecycle = (release.lifecycle as Array<{ replace_triggered_by?: string[] }>)[0];
  assert.deepEqual(lifecycle?.replace_triggered_by, ['${google_firebaserules_ruleset.firestore}']);
  assert.ok(
    (tf.locals.apis as string[]).includes('firebaserules.googleapis.com'),
    'the Firebase Rules API is enabled (infra/apis.tf)',
  );
});
