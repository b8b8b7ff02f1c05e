/**
 * The local model's answer to a request, as a pure function: the request is hashed (canonical
 * JSON), the hash seeds every choice, so the same request always gets the same response. No clock,
 * no randomness, no I/O.
 */
import type { ModelRequest, ModelResponse } from '../port.js';
import { canonicalJson, estimateTokens, fnv1a, seededRng } from './hash.js';
import { critic, rubric } from './local-judge.js';
import { live } from './local-live.js';
import { motion, narrative, plan, stage, visual, type Produced } from './local-produce.js';
import { topicOf } from './prompt-read.js';
import { fitToSchema } from './schema-fit.js';

/** The local model's name, as it appears in the price table. */
export const LOCAL_MODEL_NAME = 'local-muse-1';

/** Field names that mean the same thing to callers, folded to one lookup key. */
const ALIASES: Record<string, string> = {
  calltoaction: 'cta',
  action: 'cta',
  shotlist: 'shots',
  scenes: 'shots',
  camera: 'cameramoves',
  moves: 'cameramoves',
  duration: 'totaldurationsec',
  durationsec: 'totaldurationsec',
  feedback: 'reason',
  explanation: 'reason',
  rationale: 'reason',
  passed: 'pass',
  ok: 'pass',
  content: 'text',
  reply: 'text',
  answer: 'text',
  graph: 'steps',
};

const norm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Answers `req` deterministically in kind with its purpose. */
export function localAnswer(req: ModelRequest): ModelResponse {
  const rng = seededRng(fnv1a(canonicalJson(req)));
  const system = req.system ?? '';
  const topic = topicOf(req.prompt);
  let produced: Produced;
  let toolCalls: ModelResponse['toolCalls'] = [];
  switch (req.purpose) {
    case 'narrative':
      produced = narrative(topic, rng);
      break;
    case 'visual':
      produced = visual(topic, rng);
      break;
    case 'motion':
      produced = motion(topic, rng);
      break;
    case 'critic':
      produced = critic(system, req.prompt, rng);
      break;
    case 'rubric':
      produced = rubric(system, req.prompt);
      break;
    case 'plan':
      produced = plan(topic, rng);
      break;
    case 'stage':
      produced = stage(topic, rng);
      break;
    case 'live': {
      const said = live(req.prompt, req.tools ?? [], rng);
      toolCalls = said.toolCalls;
      produced = { text: said.text, fields: { text: said.text, message: said.text }, jsonByDefault: false };
      break;
    }
  }
  let text = produced.text;
  let json: unknown;
  if (req.responseSchema) {
    const fields = new Map(Object.entries(produced.fields).map(([k, v]) => [norm(k), v]));
    const fill = (key: string) => fields.get(norm(key)) ?? fields.get(ALIASES[norm(key)] ?? '');
    const wantsObject =
      String(req.responseSchema.type).toLowerCase() === 'object' || 'properties' in req.responseSchema;
    json = fitToSchema(wantsObject ? produced.fields : produced.text, req.responseSchema, { rng, fill });
    text = JSON.stringify(json);
  } else if (produced.jsonByDefault) {
    json = JSON.parse(text);
  }
  if (req.maxOutputTokens !== undefined && json === undefined)
    text = truncateToTokens(text, req.maxOutputTokens);
  const input = `${system}\n${req.prompt}\n${req.tools ? JSON.stringify(req.tools) : ''}`;
  return {
    model: LOCAL_MODEL_NAME,
    text,
    ...(json !== undefined ? { json } : {}),
    toolCalls,
    usage: {
      inputTokens: estimateTokens(input),
      outputTokens: estimateTokens(text) + estimateTokens(toolCalls.length ? JSON.stringify(toolCalls) : ''),
    },
  };
}

/** Cuts prose at a word boundary to fit a token budget, as a real model stops at MAX_TOKENS. */
function truncateToTokens(text: string, maxTokens: number): string {
  const maxChars = Math.max(0, maxTokens * 4);
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const space = cut.lastIndexOf(' ');
  return space > maxChars / 2 ? cut.slice(0, space) : cut;
}
