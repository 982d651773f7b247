/**
 * Composes the media pipeline, the job queue and the library over one ffmpeg bound, for server.ts:
 * uploads checked at the door and jobs draw on the same slots, so ffmpeg never runs on more cores than
 * NGUON_JOB_CONCURRENCY (default: all of them, each process with -threads 1).
 */
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/db.js';
import { createJobRunner } from '../jobs/job-runner.js';
import { createMediaService } from '../media/media.service.js';
import { createTranscodeSlots } from '../media/transcode-slots.js';
import type { ScopeQueries } from '../units/scope.js';
import { createLibraryService } from './library.service.js';
import type { TtsSynthesizer } from './library-jobs.js';

export interface MediaLibraryDeps {
  db: Db;
  config: Config;
  scopes: ScopeQueries;
  clock: () => number;
  log: Logger;
  /** The TTS module's service; without it, TTS requests answer 503. */
  tts?: TtsSynthesizer | undefined;
}

export function createMediaLibrary(deps: MediaLibraryDeps) {
  const { config, log } = deps;
  const concurrency = config.jobs.concurrency ?? availableParallelism();
  const slots = createTranscodeSlots(concurrency);
  const media = createMediaService({
    db: deps.db,
    config: config.media,
    dataDir: config.dataDir,
    slots,
    log: log.child({ module: 'media' }),
  });
  const jobs = createJobRunner({ db: deps.db, concurrency, clock: deps.clock, log: log.child({ module: 'jobs' }) });
  const library = createLibraryService({
    db: deps.db,
    media,
    jobs,
    scopes: deps.scopes,
    dataDir: config.dataDir,
    config: { unitQuotaBytes: config.media.unitQuotaBytes },
    tts: deps.tts,
    clock: deps.clock,
    log: log.child({ module: 'library' }),
  });
  return {
    media,
    jobs,
    library,
    /** Recovers jobs a previous run left running, starts the queue, and sweeps inputs no job owns. */
    async start() {
      await jobs.start();
      await library.sweepInputs();
    },
    close: () => jobs.close(),
  };
}
