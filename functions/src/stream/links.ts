/** Where the live stream and its status page are served, and the links that carry a token. */

export const STREAM_PATH = '/stream/muse-status';
export const STATUS_PAGE_PATH = '/status';

/** Builds the ws:// (or wss://) stream URL and the status page URL for a base URL and token. */
export function streamLinks(baseUrl: string, token: string): { stream: string; page: string } {
  const base = new URL(baseUrl);
  const q = `?token=${encodeURIComponent(token)}`;
  const ws = new URL(STREAM_PATH + q, base);
  ws.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return { stream: ws.toString(), page: new URL(STATUS_PAGE_PATH + q, base).toString() };
}
