/**
 * Makes a value fit a JSON schema, so the local model can answer any `responseSchema` a caller
 * asks for. It keeps what already fits, coerces what is close (clamps numbers, trims strings and
 * lists) and fills what is missing with `fill(key)` or a seeded default. Covers the subset Gemini's
 * responseSchema accepts: type (either case), enum, const, properties, required, items,
 * min/maxItems, minimum/maximum, min/maxLength, anyOf/oneOf, nullable.
 */
import type { Rng } from './hash.js';

type Schema = Record<string, unknown>;

export interface FitContext {
  rng: Rng;
  /** A preferred value for a property name (the purpose's natural content), or undefined. */
  fill: (key: string) => unknown;
}

const FILLER_WORDS = [
  'soft',
  'light',
  'bloom',
  'signal',
  'quiet',
  'motion',
  'grain',
  'glow',
  'drift',
  'frame',
];

function typeOf(schema: Schema): string | undefined {
  const t = schema.type;
  const first = Array.isArray(t) ? t.find((x) => String(x).toLowerCase() !== 'null') : t;
  return typeof first === 'string' ? first.toLowerCase() : undefined;
}

function asSchema(s: unknown): Schema {
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as Schema) : {};
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Returns `value` made to fit `schema`; `key` is the property name it sits under, if any. */
export function fitToSchema(value: unknown, schema: Schema, ctx: FitContext, key = ''): unknown {
  if ('const' in schema) return schema.const;
  const variants = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(variants) && variants.length > 0) {
    const typed = variants.map(asSchema).filter((v) => typeOf(v) !== 'null');
    const match = typed.find((v) => matchesType(value, v)) ?? typed[0] ?? {};
    return fitToSchema(value, match, ctx, key);
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum.includes(value) ? value : ctx.rng.pick(schema.enum as unknown[]);
  }
  switch (typeOf(schema)) {
    case 'object':
      return fitObject(value, schema, ctx);
    case 'array':
      return fitArray(value, schema, ctx, key);
    case 'string':
      return fitString(value, schema, ctx, key);
    case 'number':
    case 'integer':
      return fitNumber(value, schema, ctx);
    case 'boolean':
      return typeof value === 'boolean' ? value : ctx.rng.next() < 0.5;
    case 'null':
      return null;
    default:
      return value === undefined ? fitString(undefined, {}, ctx, key) : value;
  }
}

function matchesType(value: unknown, schema: Schema): boolean {
  const t = typeOf(schema);
  if (t === 'object') return !!value && typeof value === 'object' && !Array.isArray(value);
  if (t === 'array') return Array.isArray(value);
  if (t === 'integer') return Number.isInteger(value);
  if (t === 'null') return value === null;
  return t === undefined || typeof value === t;
}

function fitObject(value: unknown, schema: Schema, ctx: FitContext): Record<string, unknown> {
  const source = value && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : {};
  const props = asSchema(schema.properties);
  const names = Object.keys(props);
  if (names.length === 0) return { ...source };
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const candidate = name in source ? source[name] : ctx.fill(name);
    out[name] = fitToSchema(candidate, asSchema(props[name]), ctx, name);
  }
  return out;
}

function fitArray(value: unknown, schema: Schema, ctx: FitContext, key: string): unknown[] {
  const itemSchema = asSchema(schema.items);
  const min = num(schema.minItems) ?? 1;
  const max = num(schema.maxItems) ?? Math.max(min, 6);
  const items = Array.isArray(value) ? value.slice(0, max) : [];
  while (items.length < min) items.push(undefined);
  return items.map((item) => fitToSchema(item, itemSchema, ctx, key));
}

function fitString(value: unknown, schema: Schema, ctx: FitContext, key: string): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) s = value.join(' ');
  else if (value !== undefined && value !== null) s = JSON.stringify(value);
  else s = key ? `${key.replace(/[_-]/g, ' ')}: ${ctx.rng.pick(FILLER_WORDS)}` : ctx.rng.pick(FILLER_WORDS);
  const minLength = num(schema.minLength) ?? 0;
  const maxLength = num(schema.maxLength);
  while (s.length < minLength) s += ` ${ctx.rng.pick(FILLER_WORDS)}`;
  return maxLength !== undefined ? s.slice(0, maxLength) : s;
}

function fitNumber(value: unknown, schema: Schema, ctx: FitContext): number {
  const min = num(schema.minimum) ?? num(schema.exclusiveMinimum) ?? 0;
  const max = num(schema.maximum) ?? num(schema.exclusiveMaximum) ?? Math.max(min, 100);
  let n = num(value) ?? (typeof value === 'string' ? num(Number(value)) : undefined);
  n ??= min + ctx.rng.next() * (max - min);
  n = Math.min(max, Math.max(min, n));
  if (typeOf(schema) === 'integer') {
    n = Math.round(n);
    if (n > max) n = Math.floor(max);
    if (n < min) n = Math.ceil(min);
  } else {
    n = Math.round(n * 1000) / 1000;
  }
  return n;
}
