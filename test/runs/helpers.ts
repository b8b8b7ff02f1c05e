/**
 * Helpers for the runs integration tests: the pipeline workflow on the engine harness with a
 * recording local model, the runs routes called the way the /v1 router calls them, and an agent
 * endpoint on a real node:http server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalModel } from '../../functions/src/model/local.js';
import type { ModelPort, ModelRequest } from '../../functions/src/model/port.js';
import type { Container } from '../../functions/src/platform/container.js';
import type { Scope } from '../../functions/src/platform/http/route.js';
import type { PipelineRun } from '../../functions/src/runs/core/pipeline-run.js';
import { runRoutes } from '../../functions/src/runs/routes.js';
import type { ProduceFn } from '../../functions/src/runs/stages.js';
import { createPipelineWorkflow } from '../../functions/src/runs/workflow.js';
import { engineOf } from '../../functions/src/wiring/engine.js';
import { incidentsOf } from '../../functions/src/wiring/incidents.js';
import type { WorkflowDefinition } from '../../functions/src/engine/workflow.js';
import { pipelineRunRef } from '../../functions/src/runs/repo.js';
import { isAppError, describeIssues } from '../../functions/src/shared/errors.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';

/**
 * The pipeline workflow on a test's container with a model (and muse.produce) of the test's own.
 * Register it before the first run starts: the product's version then stays out.
 */
export function pipelineWorkflowFor(
  app: Container,
  opts: { model: ModelPort; produce?: ProduceFn },
): WorkflowDefinition {
  return createPipelineWorkflow({
    db: app.db,
    model: opts.model,
    callbackBaseUrl: app.config.publicBaseUrl,
    engineSteps: async (runId) => (await engineOf(app).getWorkflowRun(runId)).steps,
    incidents: incidentsOf(app),
    ...(opts.produce ? { produce: opts.produce } : {}),
  });
}

export function recordingModel(): ModelPort & { requests: ModelRequest[] } {
  const inner = createLocalModel();
  const requests: ModelRequest[] = [];
  return {
    model: inner.model,
    requests,
    generate(req) {
      requests.push(req);
      return inner.generate(req);
    },
  };
}

export interface RunsHarness extends Harness {
  model: ReturnType<typeof recordingModel>;
  call(
    method: string,
    path: string,
    body?: unknown,
    scopes?: Scope[],
  ): Promise<{ status: number; json: any; text: string }>;
  waitForState(runId: string, pred: (r: PipelineRun) => boolean): Promise<PipelineRun>;
}

export async function startRunsHarness(opts: { produce?: ProduceFn } = {}): Promise<RunsHarness> {
  const model = recordingModel();
  const h = await startHarness();
  engineOf(h.app).workflows.register(
    pipelineWorkflowFor(h.app, { model, ...(opts.produce ? { produce: opts.produce } : {}) }),
  );
  return {
    ...h,
    model,
    call: (method, path, body, scopes = ['admin']) => callRoute(h.app, method, path, body, scopes),
    waitForState: (runId, pred) =>
      h.waitFor(`pipeline run ${runId}`, async () => {
        const r = (await pipelineRunRef(h.app.db, runId).get()).data() as PipelineRun | undefined;
        return r && pred(r) ? r : undefined;
      }),
  };
}

/**
 * Calls a runs route as the /v1 router does (scope check, body schema, AppError -> status), so the
 * routes are tested before they are added to the product's route list.
 */
export async function callRoute(app: Container, method: string, url: string, body: unknown, scopes: Scope[]) {
  const [path, qs] = url.split('?') as [string, string | undefined];
  for (const r of runRoutes) {
    const keys: string[] = [];
    const re = new RegExp(
      '^' +
        r.path
          .replace(/\/:([A-Za-z]+)/g, (_, k: string) => (keys.push(k), '/([^/]+)'))
          .replace(/\//g, '\\/') +
        '\\/?$',
    );
    const m = re.exec(path);
    if (!m || r.method !== method) continue;
    const respond = (status: number, json: unknown, text = JSON.stringify(json)) => ({
      status,
      json: json as any,
      text,
    });
    if (!scopes.includes('admin') && !scopes.includes(r.scope))
      return respond(403, { error: { code: 'forbidden', message: `lacks the "${r.scope}" scope` } });
    try {
      let parsed = body;
      if (r.body) {
        const p = r.body.safeParse(body ?? {});
        if (!p.success)
          return respond(400, {
            error: { code: 'invalid_input', message: describeIssues(p.error.issues).join('; ') },
          });
        parsed = p.data;
      }
      const params = Object.fromEntries(keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
      const query = Object.fromEntries(new URLSearchParams(qs ?? ''));
      const out = await r.handle({
        params,
        query,
        body: parsed,
        caller: { keyId: 'k-test', name: 'tester', scopes },
        actor: { kind: 'apikey', id: 'k-test', name: 'tester' },
        app,
      });
      return out.contentType && !out.contentType.startsWith('application/json')
        ? respond(out.status ?? 200, undefined, String(out.body))
        : respond(out.status ?? 200, JSON.parse(JSON.stringify(out.body)));
    } catch (err) {
      if (isAppError(err)) return respond(err.status, { error: { code: err.code, message: err.message } });
      throw err;
    }
  }
  throw new Error(`no runs route for ${method} ${path}`);
}

export interface Agent {
  url: string;
  requests: Array<{ path: string; body: any }>;
  stop(): Promise<void>;
}

/** An agent endpoint on 127.0.0.1:0; `reply` answers each request by its index on that path. */
export async function startAgent(
  reply: (path: string, n: number, body: any) => { status: number; json?: unknown },
): Promise<Agent> {
  const requests: Agent['requests'] = [];
  const counts = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body: unknown = raw ? JSON.parse(raw) : undefined;
      requests.push({ path, body });
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const r = reply(path, n, body);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r.json ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
