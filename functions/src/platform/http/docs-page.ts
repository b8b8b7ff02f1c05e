/**
 * The /docs page: the OpenAPI document rendered as plain HTML on the server. Self-contained (no
 * script, no CDN) because neither a local machine nor a cloud function may fetch from the internet
 * at run time, and a renderer bundle would cost more than the few lines below.
 */
import { OPENAPI_PATH } from './openapi.js';

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  tags?: string[];
  description?: string;
  'x-scope'?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Json }>;
  requestBody?: { content: { 'application/json': { schema: Json } } };
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `code` spans from Markdown backticks, the only markup the descriptions use. */
const prose = (s: string) => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function paramType(schema: Json | undefined): string {
  if (!schema) return '';
  if (Array.isArray(schema.enum)) return schema.enum.map(String).join(' | ');
  const bounds = [schema.minimum, schema.maximum].some((b) => b !== undefined)
    ? ` ${String(schema.minimum ?? '')}–${String(schema.maximum ?? '')}`
    : '';
  return `${String(schema.type ?? 'string')}${bounds}${schema.description ? `, ${String(schema.description)}` : ''}`;
}

function renderOperation(method: string, path: string, op: Operation): string {
  const params = op.parameters ?? [];
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${escape(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : ''}</td><td>${escape(paramType(p.schema))}</td></tr>`,
    )
    .join('');
  const body = op.requestBody?.content['application/json'].schema;
  return `<section class="op" id="${escape(op.operationId)}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code>${op['x-scope'] ? ` <span class="scope">scope: ${escape(op['x-scope'])}</span>` : ''}</h3>
${op.description ? `<p>${prose(op.description)}</p>` : ''}
${rows ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>` : ''}
${body ? `<details><summary>request body (JSON Schema)</summary><pre>${escape(JSON.stringify(body, null, 2))}</pre></details>` : ''}
</section>`;
}

/** The whole page for `doc`, grouped by tag (the first path segment after /v1). */
export function renderDocsPage(doc: Json): string {
  const info = doc.info as { title: string; description: string };
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>))
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags?.[0] ?? 'v1';
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
    }
  const tags = [...byTag.keys()].sort();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(info.title)} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.6rem;overflow:auto}
.op{border-top:1px solid #ddd;padding:.4rem 0}.op h3{font-size:1rem;margin:.4rem 0}
.m{display:inline-block;min-width:3.6rem;text-align:center;border-radius:3px;color:#fff;font-size:.8rem;padding:1px 4px}
.get{background:#2f7d32}.post{background:#1f5fa8}.put{background:#8a5a00}.delete{background:#a32020}
.scope{font-weight:normal;font-size:.8rem;color:#555}table{border-collapse:collapse;margin:.3rem 0}
td,th{border:1px solid #ddd;padding:2px 8px;text-align:left;font-size:.9rem}nav a{margin-right:.6rem}
</style></head><body>
<h1>${escape(info.title)}</h1>
<p>${prose(info.description)}</p>
<p>The machine-readable document: <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a> (OpenAPI 3.1).</p>
<nav>${tags.map((t) => `<a href="#tag-${escape(t)}">${escape(t)}</a>`).join(' ')}</nav>
${tags.map((t) => `<h2 id="tag-${escape(t)}">${escape(t)}</h2>\n${byTag.get(t)!.join('\n')}`).join('\n')}
</body></html>
`;
}
