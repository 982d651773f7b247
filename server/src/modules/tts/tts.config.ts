import { z } from 'zod';
import { DEFAULT_BASE_WPM } from './espeak-args.js';
import { Secret } from './secret.js';

/**
 * TTS settings: the offline eSpeak provider needs none; a commercial HTTP provider is configured
 * entirely from the environment so a province can switch vendors without a code change.
 */

export const DEFAULT_BODY_TEMPLATE = '{"text":"{text}","voice":"{voice}","speed":"{speed}"}';

/** A JSON body template with the {text} placeholder somewhere; {voice} and {speed} are optional. */
const BodyTemplateSchema = z.string().superRefine((template, ctx) => {
  try {
    JSON.parse(template);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
    return;
  }
  if (!template.includes('{text}')) ctx.addIssue({ code: 'custom', message: 'must contain the {text} placeholder' });
});

/** Where the audio is in the response: the body itself, a base64 field, or a URL to fetch. */
const ResponseSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('raw') }),
  z.object({ type: z.literal('json-base64'), field: z.string().min(1) }),
  z.object({ type: z.literal('json-url'), field: z.string().min(1) }),
]);

/** The provider's own speed values for our 0.5, 1 and 2 (e.g. FPT.AI -3/0/3, Viettel 0.7/1/1.3). */
const SpeedRangeSchema = z
  .object({ min: z.number(), normal: z.number(), max: z.number() })
  .refine((r) => r.min <= r.normal && r.normal <= r.max, 'must satisfy min ≤ normal ≤ max');

export const TtsHttpConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  auth: z
    .object({ header: z.string().regex(/^[A-Za-z0-9-]+$/, 'not a header name'), value: z.instanceof(Secret) })
    .optional(),
  /** Extra static headers (a vendor's API version, a content type). Never put credentials here. */
  headers: z.record(z.string(), z.string()).default({}),
  voice: z.string().default(''),
  /** Voice ids offered to operators; the default voice is always offered. */
  voices: z.array(z.string().min(1)).default([]),
  /** Speed used when a request gives none (0.5–2). */
  speed: z.number().min(0.5).max(2).default(1),
  speedRange: SpeedRangeSchema.default({ min: 0.5, normal: 1, max: 2 }),
  bodyTemplate: BodyTemplateSchema.default(DEFAULT_BODY_TEMPLATE),
  response: ResponseSchema.default({ type: 'raw' }),
  /** What the service returns when neither the bytes nor the Content-Type tell. */
  format: z.enum(['wav', 'mp3', 'ogg']).default('wav'),
  timeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
  retries: z.number().int().min(0).max(10).default(2),
  backoffMs: z.number().int().min(0).max(60_000).default(500),
  maxChars: z.number().int().min(50).max(100_000).default(1000),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
});
export type TtsHttpConfig = z.infer<typeof TtsHttpConfigSchema>;
export type TtsHttpConfigInput = z.input<typeof TtsHttpConfigSchema>;

const int = z.coerce.number().int();

/** Every TTS environment variable; spread into the server's EnvSchema (`...TtsEnvSchema.shape`). */
export const TtsEnvSchema = z.object({
  NGUON_TTS_DEFAULT_PROVIDER: z.enum(['espeak', 'http']).optional(),
  NGUON_TTS_MAX_CHARS: int.min(100).max(200_000).default(20_000),
  NGUON_TTS_ESPEAK_WPM: int.min(80).max(450).default(DEFAULT_BASE_WPM),
  NGUON_TTS_ESPEAK_WORKERS: int.min(1).max(8).default(2),
  NGUON_TTS_HTTP_URL: z.url({ protocol: /^https?$/ }).optional(),
  NGUON_TTS_HTTP_AUTH_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'not a header name')
    .optional(),
  NGUON_TTS_HTTP_AUTH_VALUE: z.string().min(1).optional(),
  /** JSON object of extra headers, e.g. {"x-api-version":"2"}. */
  NGUON_TTS_HTTP_HEADERS: z.string().optional(),
  NGUON_TTS_HTTP_VOICE: z.string().optional(),
  /** Comma-separated voice ids. */
  NGUON_TTS_HTTP_VOICES: z.string().optional(),
  NGUON_TTS_HTTP_SPEED: z.coerce.number().min(0.5).max(2).optional(),
  /** "min,normal,max" in the provider's own units. */
  NGUON_TTS_HTTP_SPEED_RANGE: z
    .string()
    .regex(/^\s*-?[\d.]+\s*,\s*-?[\d.]+\s*,\s*-?[\d.]+\s*$/, 'must be "min,normal,max"')
    .optional(),
  NGUON_TTS_HTTP_BODY: BodyTemplateSchema.optional(),
  /** raw | json-base64:<field.path> | json-url:<field.path> */
  NGUON_TTS_HTTP_RESPONSE: z
    .string()
    .regex(/^(raw|json-(base64|url):[\w.[\]-]+)$/, 'must be raw, json-base64:<field> or json-url:<field>')
    .optional(),
  NGUON_TTS_HTTP_FORMAT: z.enum(['wav', 'mp3', 'ogg']).optional(),
  NGUON_TTS_HTTP_TIMEOUT_MS: int.min(1000).max(300_000).optional(),
  NGUON_TTS_HTTP_RETRIES: int.min(0).max(10).optional(),
  NGUON_TTS_HTTP_MAX_CHARS: int.min(50).max(100_000).optional(),
});
export type TtsEnv = z.infer<typeof TtsEnvSchema>;

export interface TtsConfig {
  defaultProvider: 'espeak' | 'http';
  maxChars: number;
  espeak: { baseWpm: number; workers: number };
  /** Present only when NGUON_TTS_HTTP_URL is set. */
  http?: TtsHttpConfig;
}

/** Problems that involve more than one variable; loadConfig reports them with the schema's own. */
export function checkTtsEnv(e: TtsEnv): string[] {
  const problems: string[] = [];
  if (e.NGUON_TTS_DEFAULT_PROVIDER === 'http' && !e.NGUON_TTS_HTTP_URL) {
    problems.push('NGUON_TTS_DEFAULT_PROVIDER: "http" needs NGUON_TTS_HTTP_URL');
  }
  if (Boolean(e.NGUON_TTS_HTTP_AUTH_HEADER) !== Boolean(e.NGUON_TTS_HTTP_AUTH_VALUE)) {
    problems.push('NGUON_TTS_HTTP_AUTH_HEADER and NGUON_TTS_HTTP_AUTH_VALUE must be set together');
  }
  if (e.NGUON_TTS_HTTP_HEADERS !== undefined && parseHeaders(e.NGUON_TTS_HTTP_HEADERS) === undefined) {
    problems.push('NGUON_TTS_HTTP_HEADERS: must be a JSON object of string values');
  }
  if (
    e.NGUON_TTS_HTTP_SPEED_RANGE !== undefined &&
    !SpeedRangeSchema.safeParse(parseSpeedRange(e.NGUON_TTS_HTTP_SPEED_RANGE)).success
  ) {
    problems.push('NGUON_TTS_HTTP_SPEED_RANGE: must satisfy min ≤ normal ≤ max');
  }
  return problems;
}

function parseHeaders(json: string): Record<string, string> | undefined {
  try {
    const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function parseSpeedRange(text: string) {
  const [min = 0.5, normal = 1, max = 2] = text.split(',').map(Number);
  return { min, normal, max };
}

function parseResponse(text: string | undefined): TtsHttpConfig['response'] {
  if (!text || text === 'raw') return { type: 'raw' };
  const [kind, field = ''] = text.split(/:(.*)/s);
  return kind === 'json-url' ? { type: 'json-url', field } : { type: 'json-base64', field };
}

function httpFromEnv(e: TtsEnv): TtsHttpConfig | undefined {
  if (!e.NGUON_TTS_HTTP_URL) return undefined;
  const header = e.NGUON_TTS_HTTP_AUTH_HEADER;
  const value = e.NGUON_TTS_HTTP_AUTH_VALUE;
  const input: TtsHttpConfigInput = {
    url: e.NGUON_TTS_HTTP_URL,
    ...(header && value ? { auth: { header, value: new Secret(value) } } : {}),
    headers: parseHeaders(e.NGUON_TTS_HTTP_HEADERS ?? '{}') ?? {},
    voice: e.NGUON_TTS_HTTP_VOICE ?? '',
    voices: (e.NGUON_TTS_HTTP_VOICES ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
    speed: e.NGUON_TTS_HTTP_SPEED,
    ...(e.NGUON_TTS_HTTP_SPEED_RANGE ? { speedRange: parseSpeedRange(e.NGUON_TTS_HTTP_SPEED_RANGE) } : {}),
    bodyTemplate: e.NGUON_TTS_HTTP_BODY,
    response: parseResponse(e.NGUON_TTS_HTTP_RESPONSE),
    format: e.NGUON_TTS_HTTP_FORMAT,
    timeoutMs: e.NGUON_TTS_HTTP_TIMEOUT_MS,
    retries: e.NGUON_TTS_HTTP_RETRIES,
    maxChars: e.NGUON_TTS_HTTP_MAX_CHARS,
  };
  return TtsHttpConfigSchema.parse(input);
}

/** Pure: parsed environment → TTS settings. Call checkTtsEnv first; this assumes a consistent env. */
export function ttsConfigFromEnv(e: TtsEnv): TtsConfig {
  const http = httpFromEnv(e);
  return {
    defaultProvider: e.NGUON_TTS_DEFAULT_PROVIDER ?? (http ? 'http' : 'espeak'),
    maxChars: e.NGUON_TTS_MAX_CHARS,
    espeak: { baseWpm: e.NGUON_TTS_ESPEAK_WPM, workers: e.NGUON_TTS_ESPEAK_WORKERS },
    ...(http ? { http } : {}),
  };
}

/** Standalone loader (tests, tools): validates, lists every problem at once, then shapes. */
export function loadTtsConfig(env: Record<string, string | undefined>): TtsConfig {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('NGUON_TTS_') && v !== undefined && v !== ''),
  );
  const parsed = TtsEnvSchema.safeParse(relevant);
  const problems = parsed.success
    ? checkTtsEnv(parsed.data)
    : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (!parsed.success || problems.length > 0) {
    throw new Error(`invalid TTS configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return ttsConfigFromEnv(parsed.data);
}
