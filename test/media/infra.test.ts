/**
 * infra/media.tf: the media bucket is private, uniform, cleans up rejected drafts, and grants only
 * the writer and the signers what they need (parsed with Terraform's own HCL parser).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadTerraform, resource, type Terraform } from '../infra/terraform.js';

let tf: Terraform;
before(async () => {
  tf = await loadTerraform();
});

test('the media bucket: uniform access, public access prevention enforced, no versions', () => {
  const bucket = resource(tf, 'google_storage_bucket', 'media');
  assert.equal(bucket.uniform_bucket_level_access, true);
  assert.equal(bucket.public_access_prevention, 'enforced');
  assert.equal(bucket.versioning?.[0]?.enabled, false);
  assert.match(bucket.name, /muse-media/);
  assert.ok(tf.outputs.media_bucket, 'the bucket name is an output');
});

test('rejected drafts are deleted after the configured days, and only they', () => {
  const rules = resource(tf, 'google_storage_bucket', 'media').lifecycle_rule as any[];
  assert.equal(rules.length, 1);
  const [rule] = rules;
  assert.equal(rule.action[0].type, 'Delete');
  assert.equal(rule.condition[0].age, '${var.media_rejected_retention_days}');
  assert.deepEqual(rule.condition[0].matches_prefix, ['${local.media_prefix}/drafts/rejected/']);
  assert.equal(
    tf.locals.media_prefix,
    'media',
    'the prefix the code names objects under (gcs-store default)',
  );
  assert.equal(tf.variables.media_rejected_retention_days?.default, 14);
});

test('IAM: the writer creates and reads; signers read and sign as themselves; nothing broader', () => {
  assert.deepEqual(tf.locals.media_writers, ['engine']);
  const signers = tf.locals.media_signers as string[];
  assert.ok(signers.length > 0 && !signers.includes('ops'), 'ops never needs media');
  const writer = resource(tf, 'google_storage_bucket_iam_member', 'media_writer');
  assert.match(
    JSON.stringify(writer.for_each),
    /roles\/storage\.objectCreator.*roles\/storage\.objectViewer/,
  );
  assert.equal(writer.bucket, '${google_storage_bucket.media.name}');
  const viewer = resource(tf, 'google_storage_bucket_iam_member', 'media_signer_viewer');
  assert.equal(viewer.role, 'roles/storage.objectViewer');
  const self = resource(tf, 'google_service_account_iam_member', 'media_signer_self');
  assert.equal(self.role, 'roles/iam.serviceAccountTokenCreator');
  // On itself: the account it grants on is the member's own.
  assert.equal(self.service_account_id, '${google_service_account.group[each.value].name}');
  assert.equal(self.member, 'serviceAccount:${google_service_account.group[each.value].email}');

  // No project-wide storage role and no admin or delete-capable role on the bucket.
  const projectRoles =
    JSON.stringify(tf.resources.google_project_iam_member ?? {}) + JSON.stringify(tf.locals.groups);
  assert.doesNotMatch(projectRoles, /roles\/storage\./);
  const bucketGrants = JSON.stringify(tf.resources.google_storage_bucket_iam_member ?? {});
  assert.doesNotMatch(bucketGrants, /objectAdmin|storage\.admin|objectUser|allUsers|allAuthenticatedUsers/);
  assert.equal(tf.resources.google_storage_bucket_iam_binding, undefined);
  assert.equal(tf.resources.google_storage_bucket_iam_policy, undefined);
});

test('the APIs signing and storage need are enabled', () => {
  const apis = tf.locals.apis as string[];
  for (const api of ['iamcredentials.googleapis.com', 'storage.googleapis.com'])
    assert.ok(apis.includes(api), api);
});
