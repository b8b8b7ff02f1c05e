/**
 * The local model's live purpose: a friendly reply to what a user said, or a tool call when the
 * message asks for something the product's toolbox can show. Tools are only called when the
 * caller declared them in `req.tools`, and their arguments follow each tool's parameter schema.
 */
import type { ToolDeclaration } from '../port.js';
import type { Rng } from './hash.js';
import { LIVE_OPENERS, LIVE_REPLIES, LIVE_TOOL_LINES, fillTemplate } from './local-texts.js';
import { idIn, keywords } from './prompt-read.js';
import { fitToSchema } from './schema-fit.js';

type ToolName = keyof typeof LIVE_TOOL_LINES;

/** Which tool a message asks for, most specific first. Patterns are read as intent, not syntax. */
const TOOL_PATTERNS: ReadonlyArray<[ToolName, RegExp]> = [
  ['explain_last_verdict', /\b(verdict|critic|drift|reject(ed|ion)?|why (did|was) .*(fail|reject|block))/i],
  [
    'show_asset',
    /\b(show|see|display|view|look at|open)\b.*\b(image|picture|photo|asset|visual|video|clip|piece|post|that|it)\b|\b(asset|staged)[-_][a-z0-9]/i,
  ],
  ['list_intents', /\b(intents?|trends?|ideas?|queue|working on|what('| a)?re you (making|planning))\b/i],
  [
    'get_status',
    /\b(status|wallet|balance|breaker|safe ?mode|budget|how are you( doing)?|are you (ok|okay|alive))\b/i,
  ],
];

export interface LiveAnswer {
  text: string;
  toolCalls: Array<{ name: string; args: Record<string, unknown> }>;
}

export function live(message: string, tools: readonly ToolDeclaration[], rng: Rng): LiveAnswer {
  const declared = new Map(tools.map((t) => [t.name, t]));
  for (const [name, pattern] of TOOL_PATTERNS) {
    const tool = declared.get(name);
    if (tool && pattern.test(message)) {
      return {
        text: rng.pick(LIVE_TOOL_LINES[name]),
        toolCalls: [{ name, args: toolArgs(tool, message, rng) }],
      };
    }
  }
  const topic = talkTopic(message);
  const greeting = /^\s*(hi|hello|hey|yo|good (morning|evening|afternoon))\b/i.test(message);
  const reply = fillTemplate(rng.pick(LIVE_REPLIES), topic);
  return { text: greeting ? `${rng.pick(LIVE_OPENERS)} ${reply}` : reply, toolCalls: [] };
}

/** What the user is talking about: the words after "about", else a few content words, else "that". */
function talkTopic(message: string): string {
  const about = /\babout\s+([^?.!,;]{2,60})/i.exec(message)?.[1]?.trim();
  if (about) return about;
  const words = keywords(message).filter((w) => !/^(muse|think|love|like|really|please|tell|know)$/.test(w));
  return words.slice(0, 3).join(' ') || 'that';
}

/**
 * Arguments for a tool call: an id-like property gets an id found in the message (or "latest"),
 * a text-like one gets the message, a limit gets 5; other required properties are filled to fit
 * their schema, and optional ones without a value are left out.
 */
function toolArgs(tool: ToolDeclaration, message: string, rng: Rng): Record<string, unknown> {
  const params = tool.parameters;
  const props = (params.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(params.required) ? (params.required as string[]) : []);
  const args: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(props)) {
    const value = valueFor(name, message);
    if (value === undefined && !required.has(name)) continue;
    args[name] = fitToSchema(value, schema, { rng, fill: () => undefined }, name);
  }
  return args;
}

function valueFor(name: string, message: string): unknown {
  if (/id$/i.test(name)) return idIn(message) ?? 'latest';
  if (/^(query|text|question|message|q)$/i.test(name)) return message;
  if (/^(limit|count|max|n)$/i.test(name)) return 5;
  return undefined;
}
