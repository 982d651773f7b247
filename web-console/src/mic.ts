import { endMount, getMount, micSourceUrl, startMicMount } from './api/live.js';
import { PlainError } from './errors.js';
import { t } from './i18n.js';

/** How long the server may take to turn the first chunks into MP3 frames (ffmpeg start included). */
const LIVE_TIMEOUT_MS = 15_000;
/** MediaRecorder chunk length: short enough for a live voice, long enough to stay a few messages a second. */
const CHUNK_MS = 250;

export interface MicSession {
  mountId: string;
  /** Bytes of recorded audio sent to the server so far. */
  bytesSent(): number;
  /** Called once if the connection to the server ends without `stop()`. */
  onLost(cb: () => void): void;
  /** Ends the recording; the server encodes what it got and ends the mount ("stopped"). */
  stop(): Promise<void>;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The operator's microphone as a live mount (server/src/modules/live): a `mic` mount is created, the
 * MediaRecorder's chunks go to its WebSocket, and this resolves once the server has encoded the first
 * frames (the mount is `live`), so receivers told to pull it get audio at once.
 */
export async function startMic(unitCode: string, title: string): Promise<MicSession> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    throw new PlainError(t('mic.noMic'));
  }
  const release = () => {
    for (const track of stream.getTracks()) track.stop();
  };
  let mountId = '';
  try {
    mountId = (await startMicMount(unitCode, title)).id;
    const ws = new WebSocket(micSourceUrl(mountId));
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new PlainError(t('mic.lost')));
    });
    const type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus'].find((m) => MediaRecorder.isTypeSupported(m));
    const rec = new MediaRecorder(stream, type ? { mimeType: type } : {});
    let sent = 0;
    let stopping = false;
    let lost: (() => void) | null = null;
    rec.ondataavailable = (e) => {
      if (e.data.size === 0 || ws.readyState !== WebSocket.OPEN) return;
      sent += e.data.size;
      ws.send(e.data);
    };
    ws.onclose = () => {
      if (rec.state !== 'inactive') rec.stop();
      release();
      if (!stopping) lost?.();
    };
    rec.start(CHUNK_MS);
    const until = Date.now() + LIVE_TIMEOUT_MS;
    for (;;) {
      const m = await getMount(mountId);
      if (m.state === 'live') break;
      if (m.state === 'ended' || Date.now() > until) {
        stopping = true;
        ws.close(1000);
        throw new PlainError(t('mic.notLive'));
      }
      await wait(300);
    }
    return {
      mountId,
      bytesSent: () => sent,
      onLost: (cb) => {
        lost = cb;
      },
      async stop() {
        if (stopping) return;
        stopping = true;
        if (rec.state !== 'inactive') {
          // The last chunk is delivered before `stop` fires: send it, then close normally (1000).
          await new Promise<void>((resolve) => {
            rec.onstop = () => resolve();
            rec.stop();
          });
        }
        ws.close(1000, 'stopped');
        release();
      },
    };
  } catch (err) {
    release();
    if (mountId) await endMount(mountId).catch(() => undefined);
    throw err;
  }
}
