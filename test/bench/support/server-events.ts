import type { PlaybackLog, Presence } from '@nguon/protocols';
import type { RunningServer } from '@nguon/server';

export interface ServerEvents {
  /** Resolves with the first presence or playback log that `accept` takes; rejects after `ms`. */
  presence(accept: (p: Presence) => boolean, ms: number, what: string): Promise<Presence>;
  playbackLog(accept: (l: PlaybackLog) => boolean, ms: number, what: string): Promise<PlaybackLog>;
}

type Waiter<T> = { accept: (v: T) => boolean; resolve: (v: T) => void };

function waitOn<T>(waiters: Set<Waiter<T>>, accept: (v: T) => boolean, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const waiter: Waiter<T> = {
      accept,
      resolve: (v) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(v);
      },
    };
    const timer = setTimeout(() => {
      waiters.delete(waiter);
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    waiters.add(waiter);
  });
}

const deliver = <T>(waiters: Set<Waiter<T>>, v: T) => {
  for (const w of [...waiters]) if (w.accept(v)) w.resolve(v);
};

/** What receivers publish, as the server's own MQTT client receives it; ServerMqtt has no off(), so one listener each. */
export function watchServerEvents(running: RunningServer): ServerEvents {
  const presence = new Set<Waiter<Presence>>();
  const logs = new Set<Waiter<PlaybackLog>>();
  running.mqtt.on('presence', ({ message }) => deliver(presence, message));
  running.mqtt.on('playbackLog', ({ message }) => deliver(logs, message));
  return {
    presence: (accept, ms, what) => waitOn(presence, accept, ms, what),
    playbackLog: (accept, ms, what) => waitOn(logs, accept, ms, what),
  };
}
