import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/db.js';
import { resolveBinaries } from '../media/ffmpeg.adapter.js';
import type { MediaService } from '../media/media.service.js';
import { createLiveService, type IcecastConfig } from './live.service.js';
import { createLiveMountStore } from './live-mounts.store.js';

/** The Icecast URL receivers pull from: the configured public one, else the source URL minus credentials. */
export function icecastFromConfig(live: Config['live']): IcecastConfig | undefined {
  if (!live.icecastUrl) return undefined;
  const pub = new URL(live.icecastPublicUrl ?? live.icecastUrl);
  pub.username = '';
  pub.password = '';
  return { url: live.icecastUrl, publicUrl: pub.toString().replace(/\/$/, '') };
}

/** The live module as server.ts composes it: the broadcast profile and ffmpeg of the media module. */
export function createLiveFromConfig(d: {
  config: Config;
  /** Keeps relay and file mounts across restarts. */
  db: Db;
  media: Pick<MediaService, 'locate'>;
  publicUrl: () => string;
  clock: () => number;
  log: Logger;
}) {
  const { config } = d;
  return createLiveService({
    ffmpegPath: resolveBinaries({ ffmpegPath: config.media.ffmpegPath }).ffmpeg,
    profile: { bitrateK: config.media.bitrateK, sampleRate: config.media.sampleRate },
    mediaPath: async (sha) => (await d.media.locate(sha))?.path,
    icecast: icecastFromConfig(config.live),
    publicUrl: d.publicUrl,
    clock: d.clock,
    log: d.log.child({ module: 'live' }),
    store: createLiveMountStore(d.db),
  });
}
