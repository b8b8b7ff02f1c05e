/**
 * Stage templates: `{{input.topic}}`, `{{outputs.draft}}`, `{{outputs.draft.title}}`,
 * `{{profile.baseUrl}}`, `{{run.id}}`. Pure. A reference to something that does not exist is the
 * spec's fault (a missing input), so it throws SpecFault, which the stage reports as pipeline-class.
 */
import { jsonPath } from './checks.js';

export class SpecFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecFault';
  }
}

export interface TemplateScope {
  input: Record<string, unknown>;
  outputs: Record<string, unknown>;
  profile: Record<string, string>;
  run: { id: string };
}

const TOKEN = /\{\{\s*([a-zA-Z0-9_.[\]$-]+)\s*\}\}/g;

export function renderTemplate(template: string, scope: TemplateScope): string {
  return template.replace(TOKEN, (_m, ref: string) => {
    const r = jsonPath(scope, ref);
    if (!r.found || r.value === undefined)
      throw new SpecFault(`template refers to "${ref}", which is missing`);
    return typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
  });
}

/** Renders every string leaf of a JSON value. */
export function renderDeep(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') return renderTemplate(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope)]));
  return value;
}
