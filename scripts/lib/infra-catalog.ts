/**
 * The catalog as Terraform sees it: `functions`, `topics`, `scheduler_jobs` and `secrets` locals
 * derived from functions/src/platform/catalog.ts and config.ts. infra/catalog.tf is this, rendered;
 * the infra test compares the parsed file with `catalogLocals()` so either side drifting fails.
 *
 *   npx tsx scripts/lib/infra-catalog.ts      rewrites infra/catalog.tf from the catalog
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEAD_LETTER_TOPIC,
  FUNCTIONS,
  SCHEDULER_JOBS,
  subscriptionName,
  TOPICS,
} from '../../functions/src/platform/catalog.js';
import { REQUIRED_VARIABLES, SECRET_VARIABLES } from '../../functions/src/config.js';

export const CATALOG_TF = join(import.meta.dirname, '..', '..', 'infra', 'catalog.tf');
export const REGENERATE = 'npx tsx scripts/lib/infra-catalog.ts';

type Scalar = string | number | boolean;
type Value = Scalar | Value[] | { [k: string]: Value };

/** The locals infra/catalog.tf must hold, keyed the way Terraform's for_each uses them. */
export function catalogLocals() {
  return {
    dead_letter_topic: DEAD_LETTER_TOPIC,
    functions: Object.fromEntries(
      FUNCTIONS.map((f) => [
        f.name,
        {
          entry_point: f.name,
          trigger: f.trigger,
          group: f.group,
          memory_mb: f.memoryMb,
          timeout_seconds: f.timeoutSeconds,
          min_instances: f.minInstances,
        },
      ]),
    ),
    topics: Object.fromEntries(
      TOPICS.map((t) => [
        t.name,
        {
          subscriber: t.subscriber,
          subscription: subscriptionName(t),
          ack_deadline_seconds: t.ackDeadlineSeconds,
          max_delivery_attempts: t.maxDeliveryAttempts,
          min_backoff_seconds: t.minBackoffSeconds,
          max_backoff_seconds: t.maxBackoffSeconds,
        },
      ]),
    ),
    scheduler_jobs: Object.fromEntries(
      SCHEDULER_JOBS.map((j) => [j.name, { cron: j.cron, topic: j.topic, description: j.description }]),
    ),
    secrets: Object.values(SECRET_VARIABLES).sort(),
    required_env: [...REQUIRED_VARIABLES].sort(),
  } satisfies Record<string, Value>;
}

const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k));

function render(v: Value, indent: string): string {
  if (Array.isArray(v)) return `[${v.map((x) => render(x, indent)).join(', ')}]`;
  if (typeof v === 'object') {
    const inner = indent + '  ';
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    // One-line objects for the leaves keep each catalog entry on one reviewable line.
    if (entries.every(([, x]) => typeof x !== 'object'))
      return `{ ${entries.map(([k, x]) => `${key(k)} = ${render(x, inner)}`).join(', ')} }`;
    // Aligned like `terraform fmt`, so the generated file passes `terraform fmt -check`.
    const width = Math.max(...entries.map(([k]) => key(k).length));
    const lines = entries.map(([k, x]) => `${inner}${key(k).padEnd(width)} = ${render(x, inner)}`);
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** infra/catalog.tf's text for the current catalog. */
export function renderCatalogTf(): string {
  const locals = catalogLocals();
  const body = Object.entries(locals)
    .map(([k, v]) => `  ${k} = ${render(v as Value, '  ')}`)
    .join('\n\n');
  return [
    '# GENERATED from functions/src/platform/catalog.ts and functions/src/config.ts.',
    `# Do not edit: change the catalog, then run \`${REGENERATE}\`.`,
    '# test/infra/catalog.test.ts fails when this file and the code disagree.',
    '',
    'locals {',
    body,
    '}',
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(CATALOG_TF, renderCatalogTf());
  console.log(`wrote ${CATALOG_TF}`);
}
