import { z } from 'zod';
import { CapEnvSchema, capConfigFromEnv } from './modules/cap/cap.config.js';
import { MonitoringEnvSchema, monitoringConfigFromEnv } from './modules/monitoring/monitoring.config.js';
import { checkTtsEnv, TtsEnvSchema, ttsConfigFromEnv } from './modules/tts/index.js';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

/** Every setting, its env variable and default. The README's configuration table mirrors this list. */
const EnvSchema = z.object({
  NGUON_DATA_DIR: z.string().min(1).default('./data'),
  NGUON_HOST: z.string().min(1).default('0.0.0.0'),
  NGUON_HTTP_PORT: port.default(8080),
  /** The base URL receivers use to download media; defaults to http://<host>:<port>. */
  NGUON_PUBLIC_URL: z.url().optional(),
  NGUON_MQTT_EMBEDDED: bool.default(true),
  NGUON_MQTT_PORT: port.default(1884),
  NGUON_MQTT_HOST: z.string().min(1).default('0.0.0.0'),
  /** Broker the server itself connects to. Empty: the embedded broker. Set to use Mosquitto/EMQX etc. */
  NGUON_MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://')
    .optional(),
  NGUON_MQTT_USERNAME: z.string().optional(),
  NGUON_MQTT_PASSWORD: z.string().optional(),
  NGUON_UPLOAD_MAX_MB: z.coerce.number().positive().max(4096).default(200),
  NGUON_LOUDNESS_LUFS: z.coerce.number().min(-40).max(-5).default(-16),
  NGUON_AUDIO_BITRATE_K: z.coerce.number().int().min(16).max(320).default(64),
  /** MP3 sample rates; below 32 kHz (MPEG-2) the bitrate can be at most 160 kb/s. */
  NGUON_AUDIO_SAMPLE_RATE: z.coerce
    .number()
    .pipe(z.union([16_000, 22_050, 24_000, 32_000, 44_100, 48_000].map((r) => z.literal(r))))
    .default(22_050),
  NGUON_MAX_AUDIO_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(180),
  NGUON_FFMPEG_PATH: z.string().min(1).optional(),
  NGUON_FFPROBE_PATH: z.string().min(1).optional(),
  /** ffmpeg processes (and running jobs) at once; empty: the number of cores. */
  NGUON_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  NGUON_UNIT_QUOTA_MB: z.coerce.number().positive().max(10_000_000).default(2048),
  NGUON_COMMAND_TTL_S: z.coerce.number().int().min(1).max(86_400).default(60),
  NGUON_HEARTBEAT_TIMEOUT_S: z.coerce.number().int().min(5).max(3600).default(90),
  /** Receivers' events (device_events) older than this are deleted, in batches, every hour. */
  NGUON_DEVICE_EVENT_RETENTION_DAYS: z.coerce.number().min(1).max(36_500).default(90),
  /** Live mounts are also pushed as sources to this Icecast server: http://source:<password>@host:port */
  NGUON_ICECAST_URL: z.url().optional(),
  /** Where receivers pull pushed mounts; default NGUON_ICECAST_URL without its credentials. */
  NGUON_ICECAST_PUBLIC_URL: z.url().optional(),
  NGUON_ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').optional(),
  NGUON_DEMO: bool.default(true),
  NGUON_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...TtsEnvSchema.shape,
  // The national link (issue 8, item 6): the province's uplink, and national mode (README, "National link").
  NGUON_UPLINK_URL: z.url().optional(),
  NGUON_UPLINK_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  NGUON_UPLINK_STATION_ID: z.string().min(1).max(100).optional(),
  NGUON_UPLINK_STATION_NAME: z.string().min(1).max(300).optional(),
  NGUON_UPLINK_UNIT: z.string().min(1).max(40).optional(),
  NGUON_UPLINK_PROVINCE_CODE: z.string().min(1).max(20).optional(),
  NGUON_UPLINK_INTERVAL_S: z.coerce.number().min(0.2).max(3600).default(30),
  NGUON_UPLINK_TIMEOUT_S: z.coerce.number().min(0.1).max(300).default(15),
  NGUON_NATIONAL_ENABLED: bool.default(false),
  NGUON_NATIONAL_RATE_PER_MIN: z.coerce.number().int().min(1).max(100_000).default(120),
  ...CapEnvSchema.shape,
  ...MonitoringEnvSchema.shape,
});

export type Config = ReturnType<typeof shape>;

function shape(e: z.infer<typeof EnvSchema>) {
  return {
    dataDir: e.NGUON_DATA_DIR,
    logLevel: e.NGUON_LOG_LEVEL,
    http: {
      host: e.NGUON_HOST,
      port: e.NGUON_HTTP_PORT,
      /** Absent: derived from the host and the port actually bound (see publicUrlFor). */
      publicUrl: e.NGUON_PUBLIC_URL?.replace(/\/$/, ''),
    },
    mqtt: {
      embedded: e.NGUON_MQTT_EMBEDDED,
      host: e.NGUON_MQTT_HOST,
      port: e.NGUON_MQTT_PORT,
      url: e.NGUON_MQTT_URL,
      username: e.NGUON_MQTT_USERNAME,
      password: e.NGUON_MQTT_PASSWORD,
    },
    media: {
      uploadMaxBytes: Math.round(e.NGUON_UPLOAD_MAX_MB * 1024 * 1024),
      loudnessLufs: e.NGUON_LOUDNESS_LUFS,
      bitrateK: e.NGUON_AUDIO_BITRATE_K,
      sampleRate: e.NGUON_AUDIO_SAMPLE_RATE,
      maxDurationMs: Math.round(e.NGUON_MAX_AUDIO_MINUTES * 60_000),
      ffmpegPath: e.NGUON_FFMPEG_PATH,
      ffprobePath: e.NGUON_FFPROBE_PATH,
      /** Per unit, unless the unit sets its own (units.quota_mb). */
      unitQuotaBytes: Math.round(e.NGUON_UNIT_QUOTA_MB * 1024 * 1024),
    },
    /** Absent: os.availableParallelism(), resolved where the job runner is built. */
    jobs: { concurrency: e.NGUON_JOB_CONCURRENCY },
    devices: {
      commandTtlMs: e.NGUON_COMMAND_TTL_S * 1000,
      heartbeatTimeoutMs: e.NGUON_HEARTBEAT_TIMEOUT_S * 1000,
      eventRetentionMs: Math.round(e.NGUON_DEVICE_EVENT_RETENTION_DAYS * 86_400_000),
    },
    live: { icecastUrl: e.NGUON_ICECAST_URL, icecastPublicUrl: e.NGUON_ICECAST_PUBLIC_URL },
    admin: { initialPassword: e.NGUON_ADMIN_PASSWORD },
    demo: { enabled: e.NGUON_DEMO },
    tts: ttsConfigFromEnv(e),
    /** Absent url: the uplink is off. Station id/name and unit default to the top province unit's. */
    uplink: {
      url: e.NGUON_UPLINK_URL?.replace(/\/$/, ''),
      token: e.NGUON_UPLINK_TOKEN,
      stationId: e.NGUON_UPLINK_STATION_ID,
      stationName: e.NGUON_UPLINK_STATION_NAME,
      unitCode: e.NGUON_UPLINK_UNIT,
      provinceCode: e.NGUON_UPLINK_PROVINCE_CODE,
      intervalMs: Math.round(e.NGUON_UPLINK_INTERVAL_S * 1000),
      timeoutMs: Math.round(e.NGUON_UPLINK_TIMEOUT_S * 1000),
    },
    national: { enabled: e.NGUON_NATIONAL_ENABLED, ratePerMinute: e.NGUON_NATIONAL_RATE_PER_MIN },
    cap: capConfigFromEnv(e),
    monitoring: monitoringConfigFromEnv(e),
  };
}

/** The base URL receivers download from: the configured one, else this host and the bound port. */
export function publicUrlFor(http: { host: string; publicUrl?: string | undefined }, boundPort: number): string {
  if (http.publicUrl) return http.publicUrl;
  const host = http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host;
  return `http://${host}:${boundPort}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Pure: reads only the object given. Throws one ConfigError that lists every problem at once. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('NGUON_') && v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const problems = crossChecks(parsed.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(shape(parsed.data));
}

/** Rules between settings, checked once each setting is valid on its own. */
function crossChecks(e: z.infer<typeof EnvSchema>): string[] {
  const problems: string[] = checkTtsEnv(e);
  // MPEG-2 Layer III (16, 22.05, 24 kHz) defines bitrates up to 160 kb/s; libmp3lame would refuse more.
  if (e.NGUON_AUDIO_SAMPLE_RATE < 32_000 && e.NGUON_AUDIO_BITRATE_K > 160) {
    problems.push(
      `NGUON_AUDIO_BITRATE_K: at most 160 kb/s at ${e.NGUON_AUDIO_SAMPLE_RATE} Hz (NGUON_AUDIO_SAMPLE_RATE); raise the rate to 32000 or more for higher bitrates`,
    );
  }
  if (e.NGUON_UPLINK_URL && !e.NGUON_UPLINK_TOKEN)
    problems.push('NGUON_UPLINK_TOKEN: required with NGUON_UPLINK_URL (the token the national system issued)');
  return problems;
}

/** For tests: a valid config with overrides merged at the top level of each section. */
export const CONFIG_ENV_KEYS = Object.keys(EnvSchema.shape);
