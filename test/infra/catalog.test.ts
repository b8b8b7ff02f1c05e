/**
 * infra/*.tf against the code, both ways: functions (registered in functions/src/index.ts, in the
 * catalog, and deployed with the right entry point), topics with their subscriptions and dead
 * letters, scheduler jobs, secrets, service-account groups and the environment loadConfig needs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { FUNCTIONS } from '../../functions/src/platform/catalog.js';
import { loadConfig, REQUIRED_VARIABLES, SECRET_VARIABLES } from '../../functions/src/config.js';
import { catalogLocals, REGENERATE } from '../../scripts/lib/infra-catalog.js';
import { loadTerraform, missing, resource, type Terraform } from './terraform.js';

const src = join(import.meta.dirname, '..', '..', 'functions', 'src');
let tf: Terraform;

before(async () => {
  tf = await loadTerraform();
});

test('infra/catalog.tf holds every catalog function, topic, job and secret, and nothing else', () => {
  const want = catalogLocals() as Record<string, unknown>;
  const problems: string[] = [];
  for (const [name, expected] of Object.entries(want)) {
    const actual = tf.locals[name];
    if (actual === undefined) {
      problems.push(`local.${name} is missing`);
      continue;
    }
    if (typeof expected !== 'object' || Array.isArray(expected)) {
      if (canon(actual) !== canon(expected))
        problems.push(
          `local.${name} is ${JSON.stringify(actual)}, the code says ${JSON.stringify(expected)}`,
        );
      continue;
    }
    const exp = expected as Record<string, unknown>;
    const act = actual as Record<string, unknown>;
    for (const k of missing(Object.keys(exp), Object.keys(act)))
      problems.push(`local.${name} lacks "${k}" (in the code: ${JSON.stringify(exp[k])})`);
    for (const k of missing(Object.keys(act), Object.keys(exp)))
      problems.push(`local.${name} has "${k}", which the code no longer has`);
    for (const k of Object.keys(exp).filter((k) => k in act))
      if (canon(act[k]) !== canon(exp[k]))
        problems.push(
          `local.${name}["${k}"] is ${JSON.stringify(act[k])}, the code says ${JSON.stringify(exp[k])}`,
        );
  }
  assert.deepEqual(
    problems,
    [],
    `infra/ is out of date with functions/src/platform/catalog.ts or config.ts:\n  ${problems.join('\n  ')}\n` +
      `Run \`${REGENERATE}\` to rewrite infra/catalog.tf, then review and commit it.`,
  );
});

test('every function registered in functions/src/index.ts is in the catalog, and back', () => {
  const registered = [
    ...readFileSync(join(src, 'index.ts'), 'utf8').matchAll(/\b(?:http|cloudEvent)\(\s*'([^']+)'/g),
  ].map((m) => m[1]!);
  const catalog = FUNCTIONS.map((f) => f.name);
  assert.deepEqual(
    missing(registered, catalog),
    [],
    'registered in functions/src/index.ts but not deployed: add each to FUNCTIONS in functions/src/platform/catalog.ts ' +
      `(trigger, group, memory, timeout, min instances), then run \`${REGENERATE}\``,
  );
  assert.deepEqual(
    missing(catalog, registered),
    [],
    'in the catalog (so deployed) but not registered in functions/src/index.ts: register it or remove it from the catalog',
  );
});

test('every catalog entry becomes a resource: functions, topics, subscriptions, dead letters, jobs, secrets', () => {
  const forEach = (type: string, name: string) => resource(tf, type, name).for_each as string;
  assert.equal(forEach('google_cloudfunctions2_function', 'fn'), '${local.functions}');
  assert.equal(forEach('google_pubsub_topic', 'topic'), '${local.topics}');
  assert.equal(forEach('google_pubsub_subscription', 'push'), '${local.topics}');
  assert.equal(forEach('google_cloud_scheduler_job', 'job'), '${local.scheduler_jobs}');
  assert.equal(forEach('google_secret_manager_secret', 'secret'), '${toset(local.secrets)}');

  const fn = resource(tf, 'google_cloudfunctions2_function', 'fn');
  const build = fn.build_config[0];
  assert.equal(build.runtime, 'nodejs22', 'functions run on the nodejs22 runtime');
  assert.equal(build.entry_point, '${each.value.entry_point}', 'entry point = the registered function name');
  const svc = fn.service_config[0];
  for (const [attr, expr] of [
    ['available_memory', '${each.value.memory_mb}Mi'],
    ['timeout_seconds', '${each.value.timeout_seconds}'],
    ['min_instance_count', '${each.value.min_instances}'],
    ['service_account_email', '${google_service_account.group[each.value.group].email}'],
  ])
    assert.equal(svc[attr!], expr, `google_cloudfunctions2_function.fn ${attr} must come from the catalog`);
  assert.ok(svc.max_instance_request_concurrency, 'functions set a request concurrency');

  const sub = resource(tf, 'google_pubsub_subscription', 'push');
  assert.equal(sub.name, '${each.value.subscription}');
  assert.equal(sub.ack_deadline_seconds, '${each.value.ack_deadline_seconds}');
  assert.equal(sub.retry_policy[0].minimum_backoff, '${each.value.min_backoff_seconds}s');
  assert.equal(sub.retry_policy[0].maximum_backoff, '${each.value.max_backoff_seconds}s');
  const dlq = sub.dynamic.dead_letter_policy[0].content[0];
  assert.equal(dlq.dead_letter_topic, '${google_pubsub_topic.topic[local.dead_letter_topic].id}');
  assert.equal(dlq.max_delivery_attempts, '${each.value.max_delivery_attempts}');
  assert.match(
    sub.push_config[0].push_endpoint,
    /google_cloudfunctions2_function\.fn\[each\.value\.subscriber\]/,
  );

  const job = resource(tf, 'google_cloud_scheduler_job', 'job');
  assert.equal(job.schedule, '${each.value.cron}');
  assert.equal(job.pubsub_target[0].topic_name, '${google_pubsub_topic.topic[each.value.topic].id}');
});

test('one service account per catalog group, secrets mounted only where declared, every secret used', () => {
  const groups = tf.locals.groups as Record<string, { secrets: string[]; roles: string[] }>;
  assert.ok(groups, 'infra/iam.tf must declare local.groups');
  const catalogGroups = [...new Set(FUNCTIONS.map((f) => f.group))];
  assert.deepEqual(
    missing([...catalogGroups, 'stream'], Object.keys(groups)),
    [],
    'catalog groups with no service account: add an entry (secrets, roles, publish) to local.groups in infra/iam.tf',
  );
  const secrets = Object.values(SECRET_VARIABLES);
  const mounted = Object.values(groups).flatMap((g) => g.secrets);
  assert.deepEqual(
    missing(mounted, secrets),
    [],
    'local.groups in infra/iam.tf mounts secrets that config.ts SECRET_VARIABLES does not have',
  );
  assert.deepEqual(
    missing(secrets, mounted),
    [],
    'secrets in config.ts SECRET_VARIABLES that no service mounts: add each to the secrets of the group that needs it in infra/iam.tf',
  );
  for (const [name, g] of Object.entries(groups))
    assert.ok(
      !g.roles.some((r) =>
        /roles\/(owner|editor|datastore\.owner|pubsub\.admin|secretmanager\.admin)/.test(r),
      ),
      `group ${name} has a broad role; grant only what it uses`,
    );
});

test('the environment infra sets satisfies loadConfig, and every variable it sets is one loadConfig reads', () => {
  const env = { ...tf.locals.env_common, ...tf.locals.env_public } as Record<string, string>;
  const known = [...readFileSync(join(src, 'config.ts'), 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map(
    (m) => m[1]!,
  );
  assert.deepEqual(
    missing(REQUIRED_VARIABLES, Object.keys(env)),
    [],
    'config.ts REQUIRED_VARIABLES not set by infra: add each to local.env_common in infra/functions.tf',
  );
  assert.deepEqual(
    missing(Object.keys(env), known),
    [],
    'infra sets environment variables config.ts does not read: add them to the schema in functions/src/config.ts or drop them',
  );
  // Terraform expressions stand in as sample values: a project id, a URL, the enum values they default to.
  const sample: Record<string, string> = {
    GOOGLE_CLOUD_PROJECT: 'muse-ops-prod',
    PUBLIC_BASE_URL: 'https://api-123.us-central1.run.app',
    STREAM_PUBLIC_URL: 'https://muse-stream-123.us-central1.run.app',
    LOG_LEVEL: String(tf.variables.log_level?.default),
    MODEL_PROVIDER: String(tf.variables.model_provider?.default),
  };
  const resolved = Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, String(v).includes('${') ? (sample[k] ?? 'us-central1') : v]),
  );
  const secretValues = Object.fromEntries(secretsOf().map((s) => [s, 'x'.repeat(32)]));
  assert.doesNotThrow(
    () => loadConfig({ ...resolved, ...secretValues }),
    'loadConfig accepts what infra sets',
  );
});

test('no secret value is a variable or an output', () => {
  for (const name of Object.keys(tf.variables))
    assert.doesNotMatch(
      name,
      /secret|token|pepper|password|key$/i,
      `variable ${name} looks like a secret: use Secret Manager`,
    );
  for (const [name, out] of Object.entries(tf.outputs))
    assert.doesNotMatch(
      JSON.stringify(out),
      /secret_manager|SECRET|TOKEN|PEPPER/,
      `output ${name} exposes a secret`,
    );
  assert.equal(
    tf.resources.google_secret_manager_secret_version,
    undefined,
    'secret versions are added by hand, never in state',
  );
});

/** JSON with sorted keys: HCL and the catalog list attributes in different orders. */
function canon(v: unknown): string {
  if (v && typeof v === 'object' && !Array.isArray(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return Array.isArray(v) ? `[${v.map(canon).join(',')}]` : JSON.stringify(v);
}

function secretsOf(): string[] {
  return Object.values(SECRET_VARIABLES);
}
