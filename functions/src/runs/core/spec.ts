/**
 * PipelineSpec: the declaration of a Level 4 pipeline, published once as `name@version` and never
 * changed. Pure: validation names every problem, and `specToGraph` turns a spec into the step
 * engine's graph (a boot step first, an evaluation step after every sink and on the fail path).
 */
import { validateGraph, type Graph, type GraphNode, type RetryPolicy } from '../../engine/core/graph.js';
import type { Check } from './checks.js';

export const STAGE_KINDS = ['model', 'http', 'human', 'muse.produce'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** Synthetic steps the pipeline workflow adds around the spec's stages. */
export const BOOT_STEP = '__boot';
export const EVALUATE_STEP = '__evaluate';
/** The engine never reaches its fail-path step by an edge, so the fail path has its own evaluation step. */
export const FAIL_EVALUATE_STEP = '__evaluate_failed';

export interface HttpStageConfig {
  /** May use templates, e.g. `{{profile.baseUrl}}/draft`. */
  url: string;
  method?: 'POST' | 'PUT' | 'GET';
  /** sync: the response is the output; callback: the agent acknowledges, then calls back through the API. */
  mode: 'sync' | 'callback';
  timeoutMs?: number;
  /** JSON body; string leaves are rendered as templates. */
  body?: unknown;
}

export interface StageSpec {
  id: string;
  /** Kept as a string so publishing can name an unknown kind instead of failing on a parse. */
  kind: string;
  /** Successors of a non-gate stage. Empty or absent: the run ends after it. */
  next?: string[];
  /** A gate's edge options: edge name -> successors ([] ends the run on that edge). */
  options?: Record<string, string[]>;
  /** What the person deciding a gate reads. */
  context?: string;
  prompt?: string;
  system?: string;
  http?: HttpStageConfig;
  /** muse.produce: the brief handed to the muse's production. */
  brief?: string;
  retry?: Partial<RetryPolicy>;
  /** Shared dependencies this stage uses beyond the spec's own (e.g. `agent-api`). */
  dependencies?: string[];
}

/** A policy check: evaluated over the run's outputs, like a scenario check, on every run. */
export interface PolicyCheck {
  id: string;
  description: string;
  check: Check;
}

export interface PipelineSpec {
  name: string;
  version: string;
  description?: string;
  start: string[];
  stages: StageSpec[];
  policyChecks: PolicyCheck[];
  /** Environment targets a run may name, with the values templates read as `{{profile.x}}`. */
  profiles: Record<string, Record<string, string>>;
  /** Same stage failing in `threshold` runs within `windowMs` counts as systemic. */
  systemic?: { threshold: number; windowMs: number };
  /**
   * Shared dependencies every stage uses (e.g. `vertex-ai`, `slack`). A run is not started while an
   * open incident names one of the spec's dependencies, unless an operator overrides with a rationale.
   */
  dependencies?: string[];
}

export const DEFAULT_SYSTEMIC = { threshold: 3, windowMs: 24 * 60 * 60 * 1000 };

/** Every problem with a spec, one readable line each; empty when the spec may be published. */
export function validateSpec(spec: PipelineSpec): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const stage of spec.stages) {
    if (seen.has(stage.id)) problems.push(`stage "${stage.id}" is declared twice`);
    seen.add(stage.id);
    if (stage.id.startsWith('__')) problems.push(`stage "${stage.id}": ids starting with "__" are reserved`);
    problems.push(...stageProblems(stage));
  }
  if (Object.keys(spec.profiles).length === 0)
    problems.push('the spec declares no profile (environment target)');
  const ids = new Set(policyIds(spec));
  if (ids.size !== spec.policyChecks.length) problems.push('policy check ids must be unique');
  for (const p of graphProblems(spec)) problems.push(p);
  return problems;
}

function policyIds(spec: PipelineSpec): string[] {
  return spec.policyChecks.map((p) => p.id);
}

function stageProblems(stage: StageSpec): string[] {
  const p: string[] = [];
  const name = `stage "${stage.id}"`;
  if (!(STAGE_KINDS as readonly string[]).includes(stage.kind)) {
    p.push(`${name} has unknown kind "${stage.kind}" (known: ${STAGE_KINDS.join(', ')})`);
    return p;
  }
  if (stage.kind === 'human') {
    if (!stage.options || Object.keys(stage.options).length === 0) p.push(`gate ${name} has no edge options`);
    if (stage.next?.length) p.push(`gate ${name} uses "next"; a gate's successors go in its options`);
    if (!stage.context?.trim()) p.push(`gate ${name} has no context for the person deciding`);
  } else if (stage.options) {
    p.push(`${name} has edge options but only a human gate offers options`);
  }
  if (stage.kind === 'model' && !stage.prompt?.trim()) p.push(`${name} (model) has no prompt`);
  if (stage.kind === 'http' && !stage.http?.url) p.push(`${name} (http) has no url`);
  if (stage.kind === 'muse.produce' && !stage.brief?.trim()) p.push(`${name} (muse.produce) has no brief`);
  return p;
}

/** Structural problems (edges to nowhere, cycles, unreachable stages), worded for stages. */
function graphProblems(spec: PipelineSpec): string[] {
  const steps: Record<string, GraphNode> = {};
  for (const s of spec.stages) {
    // Empty option maps are reported above as "no edge options"; keep them out of the graph check.
    const options = s.options && Object.keys(s.options).length ? s.options : undefined;
    steps[s.id] = { type: s.kind, next: options ?? s.next ?? [] };
  }
  return validateGraph({ start: spec.start, steps })
    .map((m) =>
      m.replaceAll('step "', 'stage "').replace('the graph has no start step', 'the spec has no start stage'),
    )
    .map((m) => m.replace(/^start step/, 'start stage'));
}

/** The engine graph for a run of this spec. The spec must be valid. */
export function specToGraph(spec: PipelineSpec): Graph {
  const steps: Record<string, GraphNode> = {
    [BOOT_STEP]: { type: 'boot', next: [...spec.start] },
    [EVALUATE_STEP]: { type: 'evaluate' },
    [FAIL_EVALUATE_STEP]: { type: 'evaluate' },
  };
  const orEvaluate = (targets: string[] | undefined) =>
    targets && targets.length ? [...targets] : [EVALUATE_STEP];
  for (const stage of spec.stages) {
    const next =
      stage.kind === 'human'
        ? Object.fromEntries(Object.entries(stage.options ?? {}).map(([edge, t]) => [edge, orEvaluate(t)]))
        : orEvaluate(stage.next);
    steps[stage.id] = {
      type: stage.kind,
      next,
      params: { stageId: stage.id },
      ...(stage.retry ? { retry: stage.retry } : {}),
    };
  }
  return { start: [BOOT_STEP], steps, onFail: FAIL_EVALUATE_STEP };
}

/** Every shared dependency a run of this spec uses: the spec's own and each stage's, sorted. */
export function specDependencies(spec: PipelineSpec): string[] {
  return [
    ...new Set([...(spec.dependencies ?? []), ...spec.stages.flatMap((s) => s.dependencies ?? [])]),
  ].sort();
}

/** The dependencies one stage uses: the spec's own plus the stage's, sorted. */
export function stageDependencies(spec: PipelineSpec, stageId: string): string[] {
  const stage = findStage(spec, stageId);
  return [...new Set([...(spec.dependencies ?? []), ...(stage?.dependencies ?? [])])].sort();
}

export function findStage(spec: PipelineSpec, stageId: string): StageSpec | undefined {
  return spec.stages.find((s) => s.id === stageId);
}
