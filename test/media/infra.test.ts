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

test('the stream service (Cloud Run) signs media URLs: the bucket in its environment, the signer grants before it starts', () => {
  const stream = resource(tf, 'google_cloud_run_v2_service', 'stream');
  const template = stream.template[0];
  const group = /google_service_account\.group\["(\w+)"\]\.email/.exec(template.service_account)?.[1];
  assert.equal(group, 'stream');
  // The plain environment carries MEDIA_BUCKET and MEDIA_PREFIX (local.env_media), as the functions' does.
  const envs = template.containers[0].dynamic.env as Array<{ for_each: string }>;
  const plain = envs.find((e) => /local\.env_common/.test(e.for_each));
  assert.ok(plain, 'the stream container has a plain environment block');
  assert.match(plain.for_each, /\blocal\.env_media\b/);
  assert.deepEqual(Object.keys(tf.locals.env_media).sort(), ['MEDIA_BUCKET', 'MEDIA_PREFIX']);
  const fn = resource(tf, 'google_cloudfunctions2_function', 'fn');
  assert.match(JSON.stringify(fn), /local\.env_media/, 'the functions carry it too');
  // Its account reads the bucket and signs as itself (media.tf's signer grants), and Cloud Run
  // starts only once those grants exist, so the first signed URL does not fail.
  assert.ok((tf.locals.media_signers as string[]).includes(group));
  assert.ok(!(tf.locals.media_writers as string[]).includes(group), 'the stream never writes media');
  const after = stream.depends_on as string[];
  for (const grant of [
    '${google_storage_bucket_iam_member.media_signer_viewer}',
    '${google_service_account_iam_member.media_signer_self}',
  ])
    assert.ok(after.includes(grant), `the stream depends on ${grant}`);
});
