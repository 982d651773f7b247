import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DesiredState, DesiredStateSchema, SetConfigCommandSchema } from '@nguon/protocols';
import { VolumeSchema } from '@nguon/schemas';
import { z } from 'zod';

/** What the receiver must remember across restarts. */
const PersistedStateSchema = z.object({
  volume: VolumeSchema,
  muted: z.boolean(),
  areas: DesiredStateSchema.shape.areas,
  /** Version of the last desired state applied; -1 before the first. */
  desiredVersion: z.number().int().min(-1),
  /** Settings changed remotely (`setConfig`); they win over the config file. Absent in older files. */
  settings: SetConfigCommandSchema.pick({ heartbeatIntervalS: true, fmFallbackDelayS: true }).default({}),
});
export type PersistedState = z.infer<typeof PersistedStateSchema>;
export type RemoteSettings = PersistedState['settings'];

export interface StateStore {
  get(): Readonly<PersistedState>;
  setVolume(volume: number, muted?: boolean): Promise<void>;
  setMuted(muted: boolean): Promise<void>;
  /** Merges remotely changed settings (absent keys stay as they were). */
  setSettings(settings: RemoteSettings): Promise<void>;
  /** Applies the desired state if newer than the last applied; tells whether it did and whether areas changed. */
  applyDesired(desired: DesiredState): Promise<{ applied: boolean; areasChanged: boolean }>;
}

export const DEFAULT_VOLUME = 80;

/**
 * Loads `<dataDir>/state.json`, falling back to defaults when it is missing or unreadable (a receiver
 * with a corrupt state file must still come up and take its desired state from the server).
 */
export async function createStateStore(opts: {
  dataDir: string;
  initialAreas: readonly (readonly string[])[];
  onWarn?: (msg: string, err?: unknown) => void;
}): Promise<StateStore> {
  const file = join(opts.dataDir, 'state.json');
  await mkdir(opts.dataDir, { recursive: true });
  let state: PersistedState = await load(file, opts).catch((err) => {
    opts.onWarn?.('state file unreadable, starting from defaults', err);
    return defaults(opts.initialAreas);
  });
  // Writes are chained so two quick changes cannot interleave their temp-file renames.
  let writing: Promise<void> = Promise.resolve();
  const persist = (next: PersistedState): Promise<void> => {
    state = next;
    writing = writing.then(() => writeAtomic(file, next)).catch((err) => opts.onWarn?.('could not save state', err));
    return writing;
  };

  return {
    get: () => state,
    setVolume: (volume, muted) => persist({ ...state, volume, muted: muted ?? state.muted }),
    setMuted: (muted) => persist({ ...state, muted }),
    setSettings: (settings) => persist({ ...state, settings: { ...state.settings, ...settings } }),
    async applyDesired(desired) {
      if (desired.version <= state.desiredVersion) return { applied: false, areasChanged: false };
      const areasChanged = JSON.stringify(desired.areas) !== JSON.stringify(state.areas);
      await persist({
        ...state,
        volume: desired.volume,
        muted: desired.muted,
        areas: desired.areas,
        desiredVersion: desired.version,
      });
      return { applied: true, areasChanged };
    },
  };
}

function defaults(areas: readonly (readonly string[])[]): PersistedState {
  return { volume: DEFAULT_VOLUME, muted: false, areas: areas.map((a) => [...a]), desiredVersion: -1, settings: {} };
}

async function load(file: string, opts: { initialAreas: readonly (readonly string[])[] }): Promise<PersistedState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaults(opts.initialAreas);
    throw err;
  }
  return PersistedStateSchema.parse(JSON.parse(text));
}

/** Temp file + rename: a power cut mid-write leaves the old state, never half a file. */
async function writeAtomic(file: string, state: PersistedState): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, JSON.stringify(state));
  await rename(tmp, file);
}
