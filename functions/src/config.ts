/**
 * Configuration, parsed once from the environment with zod. `loadConfig` returns a frozen object
 * or throws naming every bad variable. Secrets have no defaults: a component that needs one calls
 * `requireSecret`, which fails fast naming the variable.
 */
import { z } from 'zod';

const intFrom = (def: number) => z.coerce.number().int().nonnegative().default(def);
const secret = z.string().min(16, 'must be at least 16 characters').optional();

const schema = z.object({
  GOOGLE_CLOUD_PROJECT: z
    .string()
    .regex(/^[a-z][a-z0-9-]{3,61}[a-z0-9]$/, 'must be a Google Cloud project id'),
  MUSE_ENV: z.enum(['local', 'test', 'production']).default('production'),
  FIRESTORE_EMULATOR_HOST: z.string().optional(),
  PUBSUB_EMULATOR_HOST: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Retries due within this many ms are waited for in-process; later ones go to the durable outbox. */
  STEP_INLINE_DELAY_MAX_MS: intFrom(3000),
  /** Public base URL of the HTTP API, used in links (banner, Slack messages). */
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:8080'),
  /** Base URL of the live stream service (Cloud Run); defaults to PUBLIC_BASE_URL (one port locally). */
  STREAM_PUBLIC_URL: z.string().url().optional(),
  API_KEY_PEPPER: secret,
  SLACK_SIGNING_SECRET: z.string().min(8).optional(),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_API_URL: z.string().url().optional(),
  /** The app's bot and bot-user ids, so Bolt never calls auth.test before answering (issue 7). */
  SLACK_BOT_ID: z.string().optional(),
  SLACK_BOT_USER_ID: z.string().optional(),
  STREAM_TOKEN_SECRET: secret,
  MODEL_PROVIDER: z.enum(['local', 'gemini']).default('local'),
  GEMINI_MODEL: z.string().default('gemini-2.5-flash'),
  /** The Live API model voice sessions use with MODEL_PROVIDER=gemini (priced per second). */
  GEMINI_LIVE_MODEL: z.string().default('gemini-live-2.5-flash'),
  GEMINI_LOCATION: z.string().default('us-central1'),
  GEMINI_BASE_URL: z.string().url().optional(),
  /** Gemini context caching of the production context (the identity Bible as system instruction). */
  GEMINI_CONTEXT_CACHE: z.enum(['on', 'off']).default('off'),
  GEMINI_CONTEXT_CACHE_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Load the Bible and the model context when a production instance starts (wiring/warm.ts). */
  MUSE_WARM_START: z.enum(['on', 'off']).default('on'),
  /** The media bucket; unset, productions make no media (specs only). */
  MEDIA_BUCKET: z.string().min(3).optional(),
  MEDIA_PREFIX: z.string().default('media'),
  /** Client options for the storage SDK as JSON (locally: the local server's endpoint and key). */
  MEDIA_STORAGE_OPTIONS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      try {
        const o: unknown = JSON.parse(v);
        if (o && typeof o === 'object' && !Array.isArray(o)) return o as Record<string, unknown>;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return z.NEVER;
    }),
  MEDIA_IMAGE_MODEL: z.string().default('imagen-4.0-generate-001'),
  MEDIA_VIDEO_MODEL: z.string().default('veo-3.0-generate-001'),
  /** `video`: the Motion step makes a clip; `off`: images only. */
  MEDIA_MOTION: z.enum(['video', 'off']).default('video'),
  MEDIA_VIDEO_DEADLINE_SECONDS: intFrom(900),
  MEDIA_VIDEO_POLL_SECONDS: intFrom(15),
  MEDIA_SIGNED_URL_TTL_SECONDS: intFrom(900),
});

type Env = z.infer<typeof schema>;

export interface Config {
  projectId: string;
  env: Env['MUSE_ENV'];
  emulators: { firestore?: string; pubsub?: string };
  logLevel: Env['LOG_LEVEL'];
  stepInlineDelayMaxMs: number;
  publicBaseUrl: string;
  streamPublicUrl: string;
  secrets: {
    apiKeyPepper?: string;
    slackSigningSecret?: string;
    slackBotToken?: string;
    streamTokenSecret?: string;
  };
  slackApiUrl?: string;
  slackBot: { botId?: string; botUserId?: string };
  model: {
    provider: Env['MODEL_PROVIDER'];
    geminiModel: string;
    /** The Live API model (voice); the default when absent. */
    geminiLiveModel?: string;
    location: string;
    baseUrl?: string;
    /** Context caching (Gemini only): on, with the cache's lifetime. */
    contextCache?: { enabled: boolean; ttlSeconds: number };
  };
  warmStart: boolean;
  media: {
    /** Unset: productions make no media. */
    bucket?: string;
    prefix: string;
    storageOptions?: Record<string, unknown>;
    imageModel: string;
    videoModel: string;
    motion: boolean;
    videoDeadlineMs: number;
    videoPollMs: number;
    signedUrlTtlSeconds: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`));
  }
  const e = parsed.data;
  return deepFreeze({
    projectId: e.GOOGLE_CLOUD_PROJECT,
    env: e.MUSE_ENV,
    emulators: { firestore: e.FIRESTORE_EMULATOR_HOST, pubsub: e.PUBSUB_EMULATOR_HOST },
    logLevel: e.LOG_LEVEL,
    stepInlineDelayMaxMs: e.STEP_INLINE_DELAY_MAX_MS,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    streamPublicUrl: e.STREAM_PUBLIC_URL ?? e.PUBLIC_BASE_URL,
    secrets: {
      apiKeyPepper: e.API_KEY_PEPPER,
      slackSigningSecret: e.SLACK_SIGNING_SECRET,
      slackBotToken: e.SLACK_BOT_TOKEN,
      streamTokenSecret: e.STREAM_TOKEN_SECRET,
    },
    slackApiUrl: e.SLACK_API_URL,
    slackBot: { botId: e.SLACK_BOT_ID, botUserId: e.SLACK_BOT_USER_ID },
    model: {
      provider: e.MODEL_PROVIDER,
      geminiModel: e.GEMINI_MODEL,
      geminiLiveModel: e.GEMINI_LIVE_MODEL,
      location: e.GEMINI_LOCATION,
      baseUrl: e.GEMINI_BASE_URL,
      contextCache: {
        enabled: e.GEMINI_CONTEXT_CACHE === 'on',
        ttlSeconds: e.GEMINI_CONTEXT_CACHE_TTL_SECONDS,
      },
    },
    warmStart: e.MUSE_WARM_START === 'on',
    media: {
      bucket: e.MEDIA_BUCKET,
      prefix: e.MEDIA_PREFIX,
      storageOptions: e.MEDIA_STORAGE_OPTIONS,
      imageModel: e.MEDIA_IMAGE_MODEL,
      videoModel: e.MEDIA_VIDEO_MODEL,
      motion: e.MEDIA_MOTION === 'video',
      videoDeadlineMs: e.MEDIA_VIDEO_DEADLINE_SECONDS * 1000,
      videoPollMs: Math.max(1, e.MEDIA_VIDEO_POLL_SECONDS) * 1000,
      signedUrlTtlSeconds: e.MEDIA_SIGNED_URL_TTL_SECONDS,
    },
  });
}

/** The environment variable behind each secret, for error messages and the infra check. */
export const SECRET_VARIABLES = {
  apiKeyPepper: 'API_KEY_PEPPER',
  slackSigningSecret: 'SLACK_SIGNING_SECRET',
  slackBotToken: 'SLACK_BOT_TOKEN',
  streamTokenSecret: 'STREAM_TOKEN_SECRET',
} as const;

/** Variables loadConfig requires (no default). infra/ must set each of them. */
export const REQUIRED_VARIABLES = ['GOOGLE_CLOUD_PROJECT'] as const;

export function requireSecret(config: Config, name: keyof Config['secrets']): string {
  const value = config.secrets[name];
  if (!value) throw new ConfigError([`${SECRET_VARIABLES[name]} is required here and has no default`]);
  return value;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
