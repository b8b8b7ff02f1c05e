/**
 * cloudbuild.yaml parses, and its steps install, lint, run the README's test command (`npm test`) in
 * an image with Node, Java and gcloud, build, and deploy with Terraform, with project and region
 * as substitutions. The banned-import guard runs as its own step, so a violation fails the build.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');

interface Step {
  id?: string;
  name: string;
  entrypoint?: string;
  args?: string[];
}
const build = parse(readFileSync(join(root, 'cloudbuild.yaml'), 'utf8')) as {
  steps: Step[];
  substitutions: Record<string, string>;
};
/** A step's command line as one string, whether run by entrypoint or a shell script. */
const command = (s: Step) => [s.entrypoint ?? s.name, ...(s.args ?? [])].join(' ');
const find = (re: RegExp) => build.steps.findIndex((s) => re.test(command(s)));

test('the steps install, lint, test, build and deploy, in that order', () => {
  const order = [/^npm ci$/, /^npm run lint$/, /^npm test$/, /^npm run build$/, /terraform.* apply/];
  const at = order.map(find);
  at.forEach((i, n) => assert.ok(i >= 0, `cloudbuild.yaml has no step running ${order[n]}`));
  assert.deepEqual(
    [...at].sort((a, b) => a - b),
    at,
    'cloudbuild.yaml runs install, lint, test, build, deploy out of order',
  );
});

test('the build runs the banned-import guard over the production code, before the deploy', () => {
  const guard = find(/^npm run guard -- functions\/src$/);
  assert.ok(guard >= 0, 'cloudbuild.yaml has no step running `npm run guard -- functions/src`');
  assert.ok(guard < find(/terraform.* apply/), 'the guard must run before the deploy');
  assert.equal(build.steps[guard]!.name, '${_CI_IMAGE}', 'the guard runs in the CI step image');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  assert.match(pkg.scripts.guard ?? '', /scripts\/guard\.ts/, 'npm run guard is the banned-import guard');
});

test("the test step runs the README's test command in an image with Node, Java and gcloud", () => {
  const readme = join(root, 'README.md');
  if (existsSync(readme))
    assert.match(readFileSync(readme, 'utf8'), /npm test/, "the README's test command is npm test");
  const step = build.steps[find(/^npm test$/)]!;
  assert.ok(build.substitutions._CI_IMAGE, 'cloudbuild.yaml names the CI step image in _CI_IMAGE');
  assert.equal(step.name, '${_CI_IMAGE}', 'npm test runs in the CI step image');
  const imageStep = build.steps.find((s) => s.args?.includes('${_CI_IMAGE}') && s.args.includes('build'));
  assert.ok(imageStep, 'cloudbuild.yaml builds the CI step image before using it');
  const dockerfile = readFileSync(join(root, 'infra', 'ci', 'Dockerfile'), 'utf8');
  assert.match(
    dockerfile,
    /cloudsdktool\/google-cloud-cli:emulators/,
    'the CI image has gcloud, both emulators and Java',
  );
  assert.match(dockerfile, /FROM node:22/, 'the CI image has Node 22, the production runtime');
});

test('project and region are substitutions, used by the deploy', () => {
  assert.ok(build.substitutions._PROJECT && build.substitutions._REGION);
  const apply = command(build.steps[find(/terraform.* apply/)]!);
  for (const v of ['project=${_PROJECT}', 'region=${_REGION}', 'source_object=', 'stream_image='])
    assert.ok(apply.includes(v), `terraform apply must pass -var=${v}`);
});
