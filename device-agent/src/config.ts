import { createRequire } from 'node:module';
import { DeviceIdSchema, UnitCodeSchema } from '@nguon/schemas';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const command = z.string().min(1).max(1000);

/** Shell commands run with /bin/sh -c for this receiver's hardware; a missing one makes the feature unsupported. */
const HooksSchema = z.strictObject({
  amplifierOn: command.optional(),
  amplifierOff: command.optional(),
  reboot: command.optional(),
  fmOn: command.optional(),
  fmOff: command.optional(),
});

/** A fault line (speaker, amplifier): a command's output or a file's content, `ok`/`0` or `fault`/`1`. */
const FaultSourceSchema = z.union([
  z.strictObject({ command, invert: z.boolean().optional() }),
  z.strictObject({ path: z.string().min(1).max(1000), invert: z.boolean().optional() }),
]);

/** Where the Raspberry Pi defaults read their sensors; null switches a reading off. */
const SensorsSchema = z.strictObject({
  /** Default: the hottest /sys/class/thermal/thermal_zone* (thermal_zone0 on a Pi). */
  cpuTempPath: z.string().min(1).optional(),
  throttledCommand: command.nullable().default('vcgencmd get_throttled'),
  modemCommand: command.nullable().default('mmcli -m 0 -J'),
  /** Speaker line check (issue 8); absent: not measured. */
  speakerFault: FaultSourceSchema.nullable().default(null),
  /** Amplifier fault output (protection, overheating); absent: not measured. */
  amplifierFault: FaultSourceSchema.nullable().default(null),
});

/**
 * Every setting of the agent; the README's configuration table mirrors this list. Strict, so a misspelt
 * key in the file is reported instead of silently falling back to a default.
 */
const AgentConfigSchema = z.strictObject({
  deviceId: DeviceIdSchema,
  /** MQTT password and HTTP Basic password for media downloads. */
  secret: z.string().min(1, 'required'),
  brokerUrl: z.string().regex(/^mqtts?:\/\/[^/\s]+$/, 'must look like mqtt://host:port (or mqtts://)'),
  dataDir: z.string().min(1, 'required'),
  heartbeatIntervalS: z.number().int().min(1).max(3600).default(30),
  player: z.enum(['alsa', 'null']).default('alsa'),
  alsaDevice: z.string().min(1).default('default'),
  ffmpegPath: z.string().min(1).optional(),
  areas: z.array(z.array(UnitCodeSchema).min(1)).max(16).default([]),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  cacheMaxMb: z.number().int().min(16).max(1_000_000).default(1024),
  fmFallbackDelayS: z.number().int().min(1).max(86_400).default(120),
  fmRestoreDelayS: z.number().int().min(0).max(3600).default(30),
  hooks: HooksSchema.prefault({}),
  hookTimeoutS: z.number().int().min(1).max(600).default(15),
  sensors: SensorsSchema.prefault({}),
  outboxMaxRows: z.number().int().min(100).max(1_000_000).default(50_000),
  outboxMaxMb: z.number().int().min(1).max(4096).default(32),
  clockSyncIntervalS: z.number().int().min(10).max(86_400).default(600),
  /** Added to the device clock: simulates a receiver whose clock is wrong (tests, fleet simulator). */
  clockSkewMs: z.number().int().min(-31_536_000_000).max(31_536_000_000).default(0),
  /**
   * Where the outbox, journal and seen command ids live. `memory` is for simulators only: thousands of
   * agents in one process cannot each hold a SQLite file open, and a simulated receiver has nothing to keep.
   */
  storage: z.enum(['disk', 'memory']).default('disk'),
});

type ParsedConfig = z.infer<typeof AgentConfigSchema>;
export type AgentConfig = Readonly<Omit<ParsedConfig, 'ffmpegPath' | 'areas'>> & {
  readonly ffmpegPath: string;
  readonly areas: readonly (readonly string[])[];
};

export const ENV_PREFIX = 'NGUON_AGENT_';

/** How each env variable maps onto a field; strings are converted here so zod sees the real types. */
const ENV_FIELDS: Record<string, { field: keyof ParsedConfig; kind: 'string' | 'number' | 'json' }> = {
  DEVICE_ID: { field: 'deviceId', kind: 'string' },
  SECRET: { field: 'secret', kind: 'string' },
  BROKER_URL: { field: 'brokerUrl', kind: 'string' },
  DATA_DIR: { field: 'dataDir', kind: 'string' },
  HEARTBEAT_INTERVAL_S: { field: 'heartbeatIntervalS', kind: 'number' },
  PLAYER: { field: 'player', kind: 'string' },
  ALSA_DEVICE: { field: 'alsaDevice', kind: 'string' },
  FFMPEG_PATH: { field: 'ffmpegPath', kind: 'string' },
  AREAS: { field: 'areas', kind: 'json' },
  LOG_LEVEL: { field: 'logLevel', kind: 'string' },
  CACHE_MAX_MB: { field: 'cacheMaxMb', kind: 'number' },
  FM_FALLBACK_DELAY_S: { field: 'fmFallbackDelayS', kind: 'number' },
  FM_RESTORE_DELAY_S: { field: 'fmRestoreDelayS', kind: 'number' },
  HOOKS: { field: 'hooks', kind: 'json' },
  HOOK_TIMEOUT_S: { field: 'hookTimeoutS', kind: 'number' },
  SENSORS: { field: 'sensors', kind: 'json' },
  OUTBOX_MAX_ROWS: { field: 'outboxMaxRows', kind: 'number' },
  OUTBOX_MAX_MB: { field: 'outboxMaxMb', kind: 'number' },
  CLOCK_SYNC_INTERVAL_S: { field: 'clockSyncIntervalS', kind: 'number' },
  CLOCK_SKEW_MS: { field: 'clockSkewMs', kind: 'number' },
};

export class AgentConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AgentConfigError';
  }
}

function envOverrides(env: Record<string, string | undefined>, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [suffix, { field, kind }] of Object.entries(ENV_FIELDS)) {
    const name = `${ENV_PREFIX}${suffix}`;
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (kind === 'string') out[field] = raw;
    else if (kind === 'number') out[field] = raw.trim() === '' ? Number.NaN : Number(raw);
    else {
      try {
        out[field] = JSON.parse(raw);
      } catch {
        problems.push(`${name}: not valid JSON`);
      }
    }
  }
  return out;
}

/** The bundled ffmpeg exists only for platforms @ffmpeg-installer ships; resolve it only when needed. */
function bundledFfmpegPath(): string | undefined {
  try {
    const ffmpeg = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    return ffmpeg.path;
  } catch {
    return undefined;
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Pure apart from locating the bundled ffmpeg: reads only the objects given.
 * `NGUON_AGENT_*` env variables override the file. Throws one AgentConfigError listing every problem.
 */
export function loadAgentConfig(fileJson: unknown, env: Record<string, string | undefined>): AgentConfig {
  const problems: string[] = [];
  let file: Record<string, unknown> = {};
  if (fileJson !== undefined && fileJson !== null) {
    if (typeof fileJson === 'object' && !Array.isArray(fileJson)) file = fileJson as Record<string, unknown>;
    else problems.push('config file: must be a JSON object');
  }
  const merged = { ...file, ...envOverrides(env, problems) };
  const parsed = AgentConfigSchema.safeParse(merged);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const ffmpegPath = parsed.success ? (parsed.data.ffmpegPath ?? bundledFfmpegPath()) : undefined;
  if (parsed.success && !ffmpegPath) {
    problems.push('ffmpegPath: no bundled ffmpeg for this platform; set it (e.g. /usr/bin/ffmpeg)');
  }
  if (problems.length > 0 || !parsed.success || !ffmpegPath) throw new AgentConfigError(problems);
  return deepFreeze({ ...parsed.data, ffmpegPath });
}
