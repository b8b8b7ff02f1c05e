/**
 * RSS 2.0 and Atom feeds, parsed with fast-xml-parser after validation (a malformed document is a
 * failed source, never a half-read one). Topics of an item: its categories (RSS `<category>`,
 * Atom `<category term>`) and the hashtags in its title. Engagement: `<slash:comments>` or
 * `<thr:total>` when present, else 0.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { hashtags } from '../core/topics.js';
import type { TrendItem } from '../core/candidates.js';
import { SourceError } from './fetch-body.js';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => ['item', 'entry', 'category'].includes(name),
});

const text = (v: unknown): string => {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return text((v as Node)['#text']);
  return '';
};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const num = (v: unknown) => {
  const n = Number(text(v));
  return Number.isFinite(n) && n > 0 ? n : 0;
};

export function parseFeed(sourceId: string, xml: string): TrendItem[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new SourceError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(xml) as Node;
  const rss = doc.rss as Node | undefined;
  if (rss && rss.channel) return rssItems(sourceId, rss.channel as Node);
  if (doc.feed) return atomEntries(sourceId, doc.feed as Node);
  throw new SourceError('not an RSS 2.0 or Atom feed (no <rss><channel> or <feed> root)');
}

function item(
  sourceId: string,
  title: string,
  url: string | undefined,
  date: string,
  engagement: number,
  cats: string[],
) {
  const at = Date.parse(date);
  if (!title || Number.isNaN(at)) return null; // an undated item cannot have a velocity
  return {
    sourceId,
    title,
    url,
    publishedAt: at,
    engagement,
    topics: [...cats, ...hashtags(title)],
  } satisfies TrendItem;
}

function rssItems(sourceId: string, channel: Node): TrendItem[] {
  return list(channel.item).flatMap((raw) => {
    const i = raw as Node;
    const cats = list(i.category).map(text).filter(Boolean);
    return (
      item(
        sourceId,
        text(i.title),
        text(i.link) || undefined,
        text(i.pubDate) || text(i['dc:date']),
        num(i['slash:comments']),
        cats,
      ) ?? []
    );
  });
}

function atomEntries(sourceId: string, feed: Node): TrendItem[] {
  return list(feed.entry).flatMap((raw) => {
    const e = raw as Node;
    const cats = list(e.category)
      .map((c) => (c && typeof c === 'object' ? text((c as Node)['@_term']) : text(c)))
      .filter(Boolean);
    const link = list(e.link)
      .map((l) => (l && typeof l === 'object' ? text((l as Node)['@_href']) : ''))
      .find(Boolean);
    return (
      item(sourceId, text(e.title), link, text(e.published) || text(e.updated), num(e['thr:total']), cats) ??
      []
    );
  });
}
