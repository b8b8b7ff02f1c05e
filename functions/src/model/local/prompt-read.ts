/**
 * Reading what a caller put in a prompt, for the local model: the topic of a trend brief, labelled
 * sections ("Rubric:", "Output:"), keywords and ids. Callers write prompts as labelled lines, so
 * these read labels first and fall back to the first line.
 */

const STOPWORDS = new Set(
  (
    'the and for with that this from your you are was were will would should could have has had ' +
    'into onto over under about than then them they their there here what when where which while ' +
    'who whom whose why how not but all any each more most some such only own same very can just ' +
    'also been being does did doing its it our ours out off per via must shall may might ' +
    // rubric verbs: they frame a criterion, they are not one
    'mention mentions include includes contain contains uses using explain explains describe describes'
  ).split(' '),
);

/** The value of the first `Label: value` line (case-insensitive), or of a `"label": "value"` pair. */
export function labelled(text: string, ...labels: string[]): string | undefined {
  for (const label of labels) {
    const line = new RegExp(`^\\s*[-*]?\\s*${label}\\s*[:=]\\s*(.+)$`, 'im').exec(text);
    if (line?.[1]) return line[1].trim().replace(/^["']|["'],?$/g, '');
    const json = new RegExp(`"${label}"\\s*:\\s*"([^"]+)"`, 'i').exec(text);
    if (json?.[1]) return json[1].trim();
  }
  return undefined;
}

/**
 * A labelled block: the text after `Label:` up to the next line starting with one of `stops`
 * (other labels) or the end. Only the named stops end a block, so an output that contains its own
 * `Hook:` lines stays whole.
 */
export function section(text: string, label: string, stops: readonly string[] = []): string | undefined {
  const lines = text.split('\n');
  const head = new RegExp(`^\\s*${label}\\s*:\\s*`, 'i');
  const stop = stops.length ? new RegExp(`^\\s*(${stops.join('|')})\\s*:`, 'i') : undefined;
  const start = lines.findIndex((l) => head.test(l));
  if (start < 0) return undefined;
  const out = [(lines[start] ?? '').replace(head, '')];
  for (const line of lines.slice(start + 1)) {
    if (stop?.test(line)) break;
    out.push(line);
  }
  const body = out.join('\n').trim();
  return body.length > 0 ? body : undefined;
}

/** The topic a prompt is about: a `Topic:`/`Trend:`/`Title:` label, else its first line, shortened. */
export function topicOf(text: string): string {
  const found = labelled(text, 'topic', 'trend', 'title', 'subject', 'intent');
  const raw = found ?? text.split('\n').find((l) => l.trim().length > 0) ?? 'the moment';
  const clean = raw
    .replace(/^(write|create|make|draft|produce|generate)\b.*?\b(about|on|for)\s+/i, '')
    .replace(/[.!?:;]+$/, '')
    .trim();
  const words = clean.split(/\s+/).slice(0, 8).join(' ');
  return words.length > 0 ? words : 'the moment';
}

/** Lower-case content words of four letters or more, de-duplicated, in order of appearance. */
export function keywords(text: string): string[] {
  const seen = new Set<string>();
  for (const w of text.toLowerCase().match(/[a-z][a-z0-9'-]{3,}/g) ?? []) {
    const word = w.replace(/'s$/, '');
    if (!STOPWORDS.has(word)) seen.add(word);
  }
  return [...seen];
}

/** An id-looking token in a message: `asset-123`, `run_9f2c`, or a long hex/alnum token with a digit. */
export function idIn(text: string): string | undefined {
  const prefixed = /\b((?:asset|staged|run|intent|img|image)[-_][A-Za-z0-9_-]+)\b/i.exec(text);
  if (prefixed?.[1]) return prefixed[1];
  const token = /\b(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{8,}\b/.exec(text);
  return token?.[0];
}

/** Terms after a `Banned:` (or `Banned terms:`) label, comma or semicolon separated. */
export function bannedTerms(text: string): string[] {
  const list = labelled(text, 'banned terms', 'banned', 'avoid');
  return (list ?? '')
    .split(/[,;]/)
    .map((t) =>
      t
        .trim()
        .toLowerCase()
        .replace(/^["'[]+|["'\]]+$/g, ''),
    )
    .filter((t) => t.length > 0);
}
