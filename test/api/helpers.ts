/**
 * Raw HTTP for the API fault sweep: node:http keeps a path exactly as written (fetch would resolve
 * `..` and `.` segments before sending), and bodies go out as the exact bytes given.
 */
import { request } from 'node:http';
import { z } from 'zod';
import type { Route } from '../../functions/src/platform/http/route.js';

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  json: any;
}

export function rawRequest(
  port: number,
  method: string,
  path: string,
  opts: { key?: string; body?: string | Buffer; contentType?: string; chunked?: boolean } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    if (opts.body !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      if (!opts.chunked) headers['content-length'] = Buffer.byteLength(opts.body);
    }
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text, json });
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Why an answer breaks the contract (no 5xx; every error is `{ error: { code, message } }` as JSON), or undefined. */
export function contractBreach(a: RawAnswer): string | undefined {
  if (a.status >= 500) return `answered ${a.status}: ${a.text.slice(0, 200)}`;
  if (a.status < 400) return undefined;
  if (!a.contentType.startsWith('application/json'))
    return `a ${a.status} as ${a.contentType}: ${a.text.slice(0, 120)}`;
  const e = a.json?.error;
  if (typeof e?.code !== 'string' || typeof e?.message !== 'string' || !e.message)
    return `a ${a.status} without the error shape: ${a.text.slice(0, 120)}`;
  return undefined;
}

/** The route's path with every `:param` replaced by `value` (or a plain id). */
export function concretePath(route: Route, value = 'x1', which?: number): string {
  let i = 0;
  return route.path.replace(/:([A-Za-z]+)/g, () => (which === undefined || which === i++ ? value : 'x1'));
}

export const paramCount = (route: Route) => (route.path.match(/:[A-Za-z]+/g) ?? []).length;

type Json = Record<string, any>;

/** A plausible body for a route's zod schema (its JSON Schema's required fields), so odd values reach the handler. */
export function sampleBody(route: Route): unknown {
  if (!route.body) return {};
  try {
    return sampleOf(z.toJSONSchema(route.body, { unrepresentable: 'any', io: 'input' }) as Json, 0);
  } catch {
    return {};
  }
}

function sampleOf(s: Json | undefined, depth: number): unknown {
  if (!s || typeof s !== 'object' || depth > 6) return 'x1';
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const alt = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (alt?.length) return sampleOf(alt.find((a) => a.type !== 'null') ?? alt[0], depth);
  if (Array.isArray(s.allOf) && s.allOf.length) return sampleOf(s.allOf[0], depth);
  switch (s.type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Json>;
      const keys = (s.required as string[] | undefined) ?? Object.keys(props);
      return Object.fromEntries(keys.map((k) => [k, sampleOf(props[k], depth + 1)]));
    }
    case 'array':
      return Array.from({ length: Math.max(1, Number(s.minItems ?? 1)) }, () => sampleOf(s.items, depth + 1));
    case 'string':
      return s.format === 'date-time' ? new Date().toISOString() : 'x1';
    case 'number':
    case 'integer':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? Number(s.exclusiveMinimum) + 1 : 1);
    case 'boolean':
      return true;
  }
  return 'x1';
}

/** Every string leaf of a value, as a path of keys and indexes. */
export function stringLeaves(v: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof v === 'string') return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringLeaves(x, [...path, i]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => stringLeaves(x, [...path, k]));
  return [];
}

/** A copy of `v` with the leaf at `path` replaced. */
export function withLeaf(v: unknown, path: Array<string | number>, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy: any = Array.isArray(v) ? [...v] : { ...(v as object) };
  copy[path[0]!] = withLeaf(copy[path[0]!], path.slice(1), leaf);
  return copy;
}
