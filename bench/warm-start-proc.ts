/**
 * One fresh production instance for the warm-start bench (bench/warm-start.ts): a new process that
 * builds the product as a deployed instance does (the container on first need, Gemini through the
 * real SDK against the bench's local Vertex wire server) and, when MUSE_WARM_START is on, runs the
 * warm-up before saying READY, as a Cloud Run instance does before its startup probe passes. On
 * `go` on stdin it runs one production call (the narrative step of a production) and prints
 * `DONE <ms> <outcome>`. Everything the first call may need is imported lazily, so a cold instance
 * pays for it inside the measured call, as in production.
 */
import { createInterface } from 'node:readline';
import type { Container } from '../functions/src/platform/container.js';

const env = process.env;
const projectId = env.GOOGLE_CLOUD_PROJECT!;

let building: Promise<Container> | undefined;
const build = () =>
  (building ??= (async () => {
    const [{ loadConfig }, { createModel }, { createApp }, { createLogger }] = await Promise.all([
      import('../functions/src/config.js'),
      import('../functions/src/model/create-model.js'),
      import('../functions/src/wiring/app.js'),
      import('../functions/src/platform/log.js'),
    ]);
    const config = loadConfig(env);
    const model = await createModel(config.model, {
      project: projectId,
      auth: { apiKey: 'bench-api-key', projectId },
    });
    return createApp(config, { model, log: createLogger({ level: 'error', projectId }) });
  })());

if (env.MUSE_WARM_START !== 'off') {
  const { createWarmUp } = await import('../functions/src/wiring/warm.js');
  const r = await createWarmUp(build).start();
  if (!r.ready) throw new Error(`warm-up failed: ${JSON.stringify(r.error)}`);
}
// performance.now() counts from the process start: Node, tsx and the module loads included.
process.stdout.write(`READY ${Math.round(performance.now())}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'go') continue;
  const t = performance.now();
  const app = await build();
  const { museOf } = await import('../functions/src/wiring/muse.js');
  const outcome = await museOf(app).production.workflow().handlers.narrative!({
    runId: 'bench-run',
    stepId: 'narrative',
    attempt: 1,
    input: { intentId: 'bench-intent', topic: 'rain gardens', mode: 'free' },
    outputs: {},
    params: { maxAttempts: 3 },
    now: new Date(),
  });
  process.stdout.write(`DONE ${(performance.now() - t).toFixed(1)} ${outcome.type}\n`);
  process.exit(0);
}
