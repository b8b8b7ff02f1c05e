/**
 * Warm start: a production instance loads what its first production call needs before that call
 * arrives, instead of on it. In order: the container (Firestore client, the model adapter), the
 * product's workflows (every system's modules), the identity Bible (into the Bible cache the steps
 * read, muse/production/bible-store.ts, which re-checks the Bible's version every 30 s and reloads
 * it when it moved), and the model context (the provider's SDK and client, and with
 * GEMINI_CONTEXT_CACHE=on the context cache holding the Bible as system instruction, which the
 * production calls then refer to). `/readyz` reports it: 200 once all is loaded, 503 before, naming
 * what is still loading.
 *
 * It starts at module load in the functions that run productions (`WARM_AT_LOAD`), when
 * `npm start` starts, and on the first `/readyz` anywhere else. This module imports types only, so
 * importing it from the functions' entry costs nothing; the work itself is loaded lazily.
 */
import type { ModelContextState, ModelPurpose } from '../model/port.js';
import type { Bible } from '../muse/production/core/bible.js';
import type { Container } from '../platform/container.js';
import { warmsAtLoad } from './warm-target.js';

export type WarmPart = 'container' | 'workflows' | 'bible' | 'modelContext';
const PARTS: readonly WarmPart[] = ['container', 'workflows', 'bible', 'modelContext'];

export interface Readiness {
  ready: boolean;
  state: 'not-started' | 'loading' | 'ready' | 'failed' | 'off';
  /** What is not loaded yet, in load order. */
  loading: WarmPart[];
  /** What is loaded, with how long it took (ms). */
  loaded: Partial<Record<WarmPart, number>>;
  bibleVersion?: number;
  /** What the model readied for each production context: the steps' (`narrative`) and the critic's. */
  modelContext?: Record<string, ModelContextState>;
  /** The part that failed and why (the next `start` tries again). */
  error?: { part: WarmPart; message: string };
}

export interface WarmUp {
  /** Starts the warm-up (once; again after a failure) and resolves when it ends. */
  start(): Promise<Readiness>;
  readiness(): Readiness;
}

export { WARM_AT_LOAD } from './warm-target.js';

/** A warm-up of the instance served by `load` (the process's container, or a test's). */
export function createWarmUp(load: () => Promise<Container>): WarmUp {
  const state: Readiness = { ready: false, state: 'not-started', loading: [...PARTS], loaded: {} };
  let running: Promise<Readiness> | undefined;

  async function part<T>(name: WarmPart, run: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      const value = await run();
      state.loaded[name] = Math.round(performance.now() - t0);
      state.loading = state.loading.filter((p) => p !== name);
      return value;
    } catch (err) {
      state.error = { part: name, message: err instanceof Error ? err.message : String(err) };
      throw err;
    }
  }

  async function run(): Promise<Readiness> {
    state.state = 'loading';
    delete state.error;
    let app: Container | undefined;
    try {
      app = await part('container', load);
      if (!app.config.warmStart) {
        Object.assign(state, { state: 'off', ready: true, loading: [] });
        return readiness();
      }
      const { museOf } = await import('./muse.js');
      const muse = museOf(app);
      const engine = (await import('./engine.js')).engineOf(app);
      await part('workflows', async () => {
        await engine.workflows.ready();
        muse.production.workflow();
      });
      const bible = await part('bible', () => muse.production.bible());
      state.bibleVersion = bible.version;
      const contexts = await productionContexts(bible);
      const { model } = app;
      state.modelContext = await part('modelContext', async () => {
        const prepared = await Promise.all(
          contexts.map(async (c) => [c.purpose, (await model.prepare?.(c)) ?? { sdk: 'none' }] as const),
        );
        return Object.fromEntries(prepared);
      });
      Object.assign(state, { state: 'ready', ready: true });
    } catch (err) {
      state.state = 'failed';
      const message = 'warm start failed; /readyz answers 503 until it succeeds';
      const failure = state.error as Readiness['error']; // set by `part`
      if (app) app.log.warn(message, { part: failure?.part, error: failure?.message });
      else warnFailed(message, err);
    }
    return readiness();
  }

  function readiness(): Readiness {
    return structuredClone(state);
  }

  return {
    start() {
      if (state.state === 'failed') running = undefined;
      running ??= run();
      return running;
    },
    readiness,
  };
}

/** Before the container (and its logger) exists, a structured line on stderr. */
function warnFailed(message: string, err: unknown): void {
  console.warn(
    JSON.stringify({ severity: 'WARNING', message, error: err instanceof Error ? err.message : String(err) }),
  );
}

/**
 * The system instructions production calls carry for this Bible: the producing steps' (the Bible
 * rendered) and the critic's (its own line, then the same). The critic's does not depend on what it
 * judges, so any generation (the template's) gives it.
 */
async function productionContexts(bible: Bible): Promise<Array<{ purpose: ModelPurpose; system: string }>> {
  const [{ systemOf }, { criticRequest }, { fillTemplate }] = await Promise.all([
    import('../muse/production/core/prompts.js'),
    import('../muse/critic/core/critic-request.js'),
    import('../muse/production/core/template.js'),
  ]);
  const critic = criticRequest(bible, fillTemplate(bible, 'warm start'));
  return [
    { purpose: 'narrative', system: systemOf(bible) },
    { purpose: 'critic', system: critic.system ?? '' },
  ];
}

let processWarmUp: WarmUp | undefined;

/** This process's warm-up, over its container (with the product's workflows wired on). */
export function instanceWarmUp(): WarmUp {
  processWarmUp ??= createWarmUp(async () => (await import('./app.js')).getApp());
  return processWarmUp;
}

/**
 * Called by the functions' entry when it loads: starts the warm-up in a function that runs
 * productions, unless MUSE_WARM_START=off. Errors are reported by `/readyz`, never thrown here.
 */
export function warmAtLoad(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = process.argv,
): void {
  if (warmsAtLoad(env, argv)) void instanceWarmUp().start();
}
