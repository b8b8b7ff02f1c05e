/**
 * The shape of a workflow run: a DAG of steps. Pure data, snapshotted into the run document when
 * the run starts, so a run keeps the graph it started with even if the code changes later.
 */

/** Retry policy for retryable failures: attempts include the first try. */
export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  multiplier: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 500,
  multiplier: 2,
  maxBackoffMs: 60_000,
};

export interface GraphNode {
  /** Which handler of the workflow runs this step. */
  type: string;
  /**
   * Successors. A list runs them all (fan-out). A map picks the list by the edge the step chose
   * (a gate's decision, or a `done` outcome's `edge`); unchosen edges are skipped.
   */
  next?: string[] | Record<string, string[]>;
  /** Free-form parameters handed to the handler. */
  params?: Record<string, unknown>;
  retry?: Partial<RetryPolicy>;
}

export interface Graph {
  start: string[];
  steps: Record<string, GraphNode>;
  /** Runs when a step fails terminally (for example a report or an evaluation step). */
  onFail?: string;
}

/** Every successor of a node, whatever edge. */
export function successors(node: GraphNode): string[] {
  if (!node.next) return [];
  return Array.isArray(node.next) ? [...node.next] : Object.values(node.next).flat();
}

/** Successors along the chosen edge (all of them for a plain list). */
export function successorsOn(node: GraphNode, edge: string | undefined): string[] {
  if (!node.next) return [];
  if (Array.isArray(node.next)) return [...node.next];
  return edge !== undefined ? [...(node.next[edge] ?? [])] : [];
}

export function predecessors(graph: Graph, stepId: string): string[] {
  return Object.entries(graph.steps)
    .filter(([, node]) => successors(node).includes(stepId))
    .map(([id]) => id);
}

/** Names every structural problem: unknown targets, cycles, unreachable steps, empty edge maps. */
export function validateGraph(graph: Graph): string[] {
  const problems: string[] = [];
  const ids = new Set(Object.keys(graph.steps));
  if (graph.start.length === 0) problems.push('the graph has no start step');
  for (const s of graph.start) if (!ids.has(s)) problems.push(`start step "${s}" does not exist`);
  if (graph.onFail !== undefined && !ids.has(graph.onFail))
    problems.push(`onFail step "${graph.onFail}" does not exist`);
  for (const [id, node] of Object.entries(graph.steps)) {
    if (node.next && !Array.isArray(node.next) && Object.keys(node.next).length === 0)
      problems.push(`step "${id}" has an edge map with no edges`);
    for (const to of successors(node))
      if (!ids.has(to)) problems.push(`step "${id}" has an edge to "${to}", which does not exist`);
  }
  const cycle = findCycle(graph);
  if (cycle) problems.push(`cycle: ${cycle.join(' -> ')}`);
  const reachable = new Set<string>();
  const stack = [...graph.start, ...(graph.onFail ? [graph.onFail] : [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id) || !ids.has(id)) continue;
    reachable.add(id);
    stack.push(...successors(graph.steps[id]!));
  }
  for (const id of ids) if (!reachable.has(id)) problems.push(`step "${id}" is unreachable`);
  return problems;
}

function findCycle(graph: Graph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const to of successors(graph.steps[id] ?? { type: '' })) {
      if (!(to in graph.steps)) continue;
      const found = visit(to);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of Object.keys(graph.steps)) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}
