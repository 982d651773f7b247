/**
 * Content-addressed audio store: `<dataDir>/media/<sha[0..2]>/<sha>.mp3`. Files arrive by rename from
 * `<dataDir>/tmp` (same filesystem), so a reader never sees a half-written file under its address.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** `<dataDir>/tmp` is shared with other modules; the prefix keeps the sweep to our own leftovers. */
const TEMP_PREFIX = 'media-';

export interface MediaStorage {
  readonly root: string;
  readonly tmpDir: string;
  /** Throws on anything but a lower-case hex sha256, so a caller can never address outside the store. */
  pathFor(sha256: string): string;
  has(sha256: string): Promise<boolean>;
  /** Moves a finished file from the temp area to its address; an existing copy is simply replaced. */
  put(sha256: string, finishedTempFile: string): Promise<void>;
  remove(sha256: string): Promise<void>;
  /** A fresh path in the temp area; the caller creates, and must delete, the file. */
  tempPath(suffix: string): string;
  /** Deletes temp files older than maxAgeMs: leftovers of a crash mid-upload or mid-transcode. */
  sweepTemp(maxAgeMs: number, now?: number): Promise<number>;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'ENOENT';

export function createMediaStorage(dataDir: string): MediaStorage {
  const root = path.join(dataDir, 'media');
  const tmpDir = path.join(dataDir, 'tmp');

  const pathFor = (sha256: string) => {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256.slice(0, 80)}`);
    return path.join(root, sha256.slice(0, 2), `${sha256}.mp3`);
  };

  return {
    root,
    tmpDir,
    pathFor,
    async has(sha256) {
      try {
        return (await stat(pathFor(sha256))).isFile();
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },
    async put(sha256, finishedTempFile) {
      const target = pathFor(sha256);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(finishedTempFile, target);
    },
    async remove(sha256) {
      await rm(pathFor(sha256), { force: true });
    },
    tempPath: (suffix) => path.join(tmpDir, `${TEMP_PREFIX}${randomUUID()}${suffix}`),
    async sweepTemp(maxAgeMs, now = Date.now()) {
      let names: string[];
      try {
        names = await readdir(tmpDir);
      } catch (err) {
        if (isMissing(err)) return 0;
        throw err;
      }
      let removed = 0;
      for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
        const file = path.join(tmpDir, name);
        const s = await stat(file).catch(() => null);
        if (s?.isFile() && now - s.mtimeMs > maxAgeMs) {
          await rm(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}
