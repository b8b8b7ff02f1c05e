/**
 * Mapping between the model port and @google/genai's generateContent shapes, and the
 * classification of what the SDK throws. Type-only imports of the SDK: nothing here loads it.
 */
import type { GenerateContentParameters, GenerateContentResponse } from '@google/genai';
import { ModelError, type ModelRequest, type ModelResponse } from './port.js';

/** Finish reasons that retrying the same request cannot fix. */
const BLOCKED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/**
 * The generateContent call for a request. With `cachedContent`, the cached system instruction is
 * not sent again (Vertex refuses both at once), and any text after the cached part of `system`
 * travels as a preamble to the prompt.
 */
export function toGenerateParams(
  model: string,
  req: ModelRequest,
  cached?: { name: string; systemInstruction: string },
): GenerateContentParameters {
  let prompt = req.prompt;
  let system = req.system;
  if (cached) {
    const rest = (req.system ?? '').slice(cached.systemInstruction.length).trim();
    system = undefined;
    if (rest) prompt = `${rest}\n\n${prompt}`;
  }
  return {
    model,
    contents: [
      {
        role: 'user',
        parts: [
          { text: prompt },
          ...(req.images ?? []).map((i) => ({
            inlineData: { mimeType: i.mimeType, data: Buffer.from(i.bytes).toString('base64') },
          })),
        ],
      },
    ],
    config: {
      ...(system ? { systemInstruction: system } : {}),
      ...(cached ? { cachedContent: cached.name } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.maxOutputTokens !== undefined ? { maxOutputTokens: req.maxOutputTokens } : {}),
      ...(req.responseSchema
        ? { responseMimeType: 'application/json', responseSchema: req.responseSchema }
        : {}),
      ...(req.tools?.length
        ? {
            tools: [
              {
                functionDeclarations: req.tools.map((t) => ({
                  name: t.name,
                  description: t.description,
                  parameters: t.parameters,
                })),
              },
            ],
          }
        : {}),
    },
  };
}

/**
 * The port's response for a generateContent answer. A blocked prompt or candidate is terminal; a
 * JSON answer that does not parse is retryable (a new sample usually parses), with the raw text
 * kept so the caller can record it when it gives up.
 */
export function fromGenerateResponse(
  model: string,
  req: ModelRequest,
  res: GenerateContentResponse,
): ModelResponse {
  const candidate = res.candidates?.[0];
  const blockReason = res.promptFeedback?.blockReason;
  if (!candidate) {
    throw new ModelError(
      `Gemini returned no candidate${blockReason ? ` (prompt blocked: ${blockReason})` : ''}`,
      !blockReason,
    );
  }
  const parts = candidate.content?.parts ?? [];
  // Thought parts are the model's reasoning, not its answer.
  const text = parts
    .filter((p) => typeof p.text === 'string' && !p.thought)
    .map((p) => p.text)
    .join('');
  const toolCalls = parts
    .filter((p) => p.functionCall?.name)
    .map((p) => ({ name: p.functionCall?.name ?? '', args: p.functionCall?.args ?? {} }));
  const finishReason = candidate.finishReason ? String(candidate.finishReason) : undefined;
  if (finishReason && BLOCKED.has(finishReason) && !text && toolCalls.length === 0) {
    throw new ModelError(`Gemini blocked the answer (${finishReason})`, false, undefined, text);
  }
  let json: unknown;
  if (req.responseSchema && toolCalls.length === 0) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ModelError(
        `Gemini answered JSON that does not parse${finishReason ? ` (finish: ${finishReason})` : ''}`,
        true,
        undefined,
        text,
      );
    }
  }
  const u = res.usageMetadata;
  return {
    // The configured name, not res.modelVersion: callers price by it.
    model,
    text,
    ...(json !== undefined ? { json } : {}),
    toolCalls,
    ...(finishReason ? { finishReason } : {}),
    usage: {
      inputTokens: u?.promptTokenCount ?? 0,
      outputTokens: (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0),
      ...(u?.cachedContentTokenCount !== undefined ? { cachedInputTokens: u.cachedContentTokenCount } : {}),
    },
  };
}

/**
 * A ModelError for anything the SDK threw. HTTP status decides (429, 408 and 5xx retryable; other
 * 4xx terminal); timeouts and network failures are retryable; anything else is a defect, terminal.
 */
export function toModelError(err: unknown, retryable: (status: number) => boolean): ModelError {
  if (err instanceof ModelError) return err;
  const e = err as { name?: unknown; message?: unknown; status?: unknown; cause?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (typeof e?.status === 'number') {
    return new ModelError(`Gemini HTTP ${e.status}: ${message.slice(0, 500)}`, retryable(e.status), e.status);
  }
  const name = typeof e?.name === 'string' ? e.name : '';
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new ModelError(`Gemini call timed out: ${message}`, true);
  }
  if (
    name === 'NetworkError' ||
    (name === 'TypeError' && /fetch failed|network|socket|ECONN|terminated/i.test(message))
  ) {
    return new ModelError(`Gemini unreachable: ${message}`, true);
  }
  return new ModelError(`Gemini call failed: ${message}`, false);
}
