/**
 * The model port. Two adapters implement it: a deterministic local model (the default) and Gemini
 * on Vertex AI through @google/genai. Callers say what the call is for (`purpose`) so the local
 * model can answer in kind and costs can be attributed.
 */
export type ModelPurpose =
  'narrative' | 'visual' | 'motion' | 'critic' | 'live' | 'rubric' | 'stage' | 'plan';

/** A tool the model may call (function calling), declared with a JSON schema for its arguments. */
export interface ToolDeclaration {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  purpose: ModelPurpose;
  system?: string;
  prompt: string;
  /** Ask for JSON matching this JSON schema (Gemini: responseSchema). The answer is parsed into `json`. */
  responseSchema?: Record<string, unknown>;
  tools?: ToolDeclaration[];
  /** Pictures sent with the prompt (Gemini: inline parts after the text); the local model ignores them. */
  images?: Array<{ mimeType: string; bytes: Uint8Array }>;
  temperature?: number;
  maxOutputTokens?: number;
}

export interface ModelUsage {
  /** All prompt tokens, including any served from a context cache. */
  inputTokens: number;
  /** Tokens generated, including thinking tokens (billed as output). */
  outputTokens: number;
  /** Of `inputTokens`, how many came from a context cache (billed at a lower rate), when known. */
  cachedInputTokens?: number;
}

export interface ModelResponse {
  model: string;
  /** Why generation stopped, as the provider says it (Gemini: STOP, MAX_TOKENS, SAFETY...), when known. */
  finishReason?: string;
  text: string;
  /** Parsed JSON when a responseSchema was given. */
  json?: unknown;
  toolCalls: Array<{ name: string; args: Record<string, unknown> }>;
  usage: ModelUsage;
}

/** What `prepare` readied, for the readiness report. */
export interface ModelContextState {
  /** `loaded` once the provider's SDK and client are built; `none` for a model without one. */
  sdk: 'loaded' | 'none';
  /** The context cache calls of this context will refer to, when caching is on and accepted. */
  cachedContent?: string;
}

export interface ModelPort {
  /** The model name used for pricing (must appear in the price table). */
  readonly model: string;
  generate(req: ModelRequest): Promise<ModelResponse>;
  /**
   * Readies the instance for calls with this context (warm start): loads the provider's SDK and
   * client and, with context caching on, creates the cache the calls will refer to. Optional: a
   * model with nothing to load has none.
   */
  prepare?(context: { purpose: ModelPurpose; system: string }): Promise<ModelContextState>;
}

/**
 * A model call that failed. `retryable` is true for timeouts, 429 and 5xx; other 4xx and
 * unparseable answers after retries are terminal. `raw` keeps what the model said, if anything.
 */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly raw?: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
