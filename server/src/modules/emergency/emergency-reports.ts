import { EventEmitter } from 'node:events';
import type { EmergencyReport } from '@nguon/protocols';
import type { Logger } from 'pino';
import type { DeviceReport, EmergencyRepository } from './emergency.repository.js';

/** Bound on reports held between flushes; far above one emergency's 4 reports × 10,000 receivers per tick. */
const MAX_BUFFERED = 200_000;

/**
 * Receivers' reports arrive as device events, thousands within a second of a start: they are buffered
 * and written in one transaction per tick, then listeners (the live feed) learn which emergencies changed.
 */
export function createEmergencyReports(deps: {
  repo: EmergencyRepository;
  /** Is this a known emergency? Reports for anything else are dropped. */
  known: (id: string) => boolean;
  log: Logger;
  flushMs?: number;
}) {
  const changes = new EventEmitter<{ change: [string] }>();
  changes.setMaxListeners(0);
  let buffer: DeviceReport[] = [];
  let timer: NodeJS.Timeout | null = null;

  function flush(): void {
    timer = null;
    const batch = buffer;
    buffer = [];
    if (batch.length === 0) return;
    try {
      deps.repo.applyReports(batch);
    } catch (err) {
      deps.log.error({ err, count: batch.length }, 'emergency reports not stored');
      return;
    }
    for (const id of new Set(batch.map((r) => r.emergencyId))) changes.emit('change', id);
  }

  return {
    add(deviceId: string, report: EmergencyReport): void {
      if (!deps.known(report.emergencyId)) {
        deps.log.debug({ deviceId, emergencyId: report.emergencyId }, 'report for an unknown emergency');
        return;
      }
      if (buffer.length >= MAX_BUFFERED) {
        deps.log.warn({ deviceId }, 'emergency report buffer full: report dropped');
        return;
      }
      buffer.push({ ...report, deviceId });
      timer ??= setTimeout(flush, deps.flushMs ?? 100);
    },
    /** Tells `fn` the id of every emergency whose state or reach changed; returns the unsubscribe. */
    subscribe(fn: (id: string) => void): () => void {
      changes.on('change', fn);
      return () => changes.off('change', fn);
    },
    notify: (id: string) => changes.emit('change', id),
    close(): void {
      if (timer) clearTimeout(timer);
      flush();
    },
  };
}
export type EmergencyReports = ReturnType<typeof createEmergencyReports>;
