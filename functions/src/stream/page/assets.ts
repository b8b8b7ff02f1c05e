/**
 * The status page's static assets, served by the stream server from the installed packages (no
 * CDN: the page works wherever the stream does, and the CSP allows only this origin). uPlot draws
 * the wallet chart. The URL carries the package's version, so a browser may keep a file for a
 * year (`immutable`): an upgrade changes the URL. Files are read once, on first request.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { STATUS_PAGE_PATH } from '../links.js';

const requireHere = createRequire(import.meta.url);
const uplotDir = dirname(requireHere.resolve('uplot/package.json'));
const uplotVersion = (JSON.parse(readFileSync(join(uplotDir, 'package.json'), 'utf8')) as { version: string })
  .version;

export const ASSETS_PATH = `${STATUS_PAGE_PATH}/assets`;

/** Where the page loads each asset from (the page's HTML names these). */
export const PAGE_ASSETS = {
  uplotJs: `${ASSETS_PATH}/uplot-${uplotVersion}.min.js`,
  uplotCss: `${ASSETS_PATH}/uplot-${uplotVersion}.min.css`,
} as const;

const FILES: Record<string, { file: string; type: string }> = {
  [PAGE_ASSETS.uplotJs]: {
    file: join(uplotDir, 'dist', 'uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  [PAGE_ASSETS.uplotCss]: { file: join(uplotDir, 'dist', 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

const loaded = new Map<string, Buffer>();

/** Serves a page asset; false when `pathname` is not one. */
export function servePageAsset(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (!pathname.startsWith(`${ASSETS_PATH}/`)) return false;
  const asset = Object.hasOwn(FILES, pathname) ? FILES[pathname] : undefined;
  if (!asset) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return true;
  }
  let body = loaded.get(pathname);
  if (!body) {
    body = readFileSync(asset.file);
    loaded.set(pathname, body);
  }
  res.writeHead(200, {
    'Content-Type': asset.type,
    'Content-Length': body.length,
    'Cache-Control': 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
