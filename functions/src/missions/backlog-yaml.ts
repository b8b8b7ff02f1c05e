/**
 * backlog.yaml text <-> missions. The yaml SDK lives here, outside core: core validates the plain
 * data and names the path of each problem, and this file turns each path into the line it is on.
 */
import { LineCounter, parseDocument, stringify, type Document } from 'yaml';
import { backlogFromPlain, backlogToPlain, type FileIssue, type Parsed } from './core/files.js';
import type { Mission } from './core/mission.js';

/** The YAML text of a backlog, missions in rank order. */
export function backlogToYaml(missions: readonly Mission[]): string {
  return stringify(backlogToPlain(missions), { lineWidth: 0 });
}

/** The line a path points at, or the line of the deepest part of it that exists (a missing key's parent). */
function lineOf(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): number {
  const keys = path.map((k) => (typeof k === 'symbol' ? String(k) : k));
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
  }
  return 1;
}

/** Parses backlog.yaml; every issue carries the 1-based line it is on. */
export function parseBacklogYaml(source: string): Parsed<Mission[]> {
  const lc = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      ok: false,
      issues: doc.errors.map((e): FileIssue => ({
        path: [],
        line: e.linePos?.[0].line ?? 1,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const parsed = backlogFromPlain(doc.toJS());
  if (parsed.ok) return parsed;
  return {
    ok: false,
    issues: parsed.issues.map((i) => ({
      ...i,
      line: lineOf(doc, lc, i.path),
      message: `${i.path.map(String).join('.') || '(root)'}: ${i.message}`,
    })),
  };
}
