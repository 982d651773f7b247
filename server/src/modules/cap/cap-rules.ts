/**
 * The rules of mission.md §3 for CAP alerts, as pure decisions: which info block speaks, when the alert
 * ends, what is aired, and the sentence an operator reads about the outcome.
 */
import type { CapArea, CapInfo, CapMessage, CapResource } from './cap-message.js';

/**
 * The geocode valueName for Vietnamese administrative unit codes (mã đơn vị hành chính, the codes of
 * the national list of administrative units that Nguồn's units carry). Other valueNames are ignored.
 */
export const GEOCODE_UNIT = 'MaDonViHanhChinh';

export const OUTCOMES = [
  'processing',
  'aired',
  'not_actual',
  'no_receivers',
  'cancelled',
  'stored',
  'refused',
] as const;
export type CapOutcome = (typeof OUTCOMES)[number];

/** Vietnamese first (vi-VN, vi), then the first block (§3: broadcasts are in Vietnamese). */
export function chooseInfo(infos: CapInfo[]): CapInfo | undefined {
  const lang = (i: CapInfo) => i.language.toLowerCase();
  return infos.find((i) => lang(i) === 'vi-vn') ?? infos.find((i) => lang(i).startsWith('vi')) ?? infos[0];
}

/** When the emergency ends: <expires>, else the configured default duration from now. */
export function expiryOf(info: CapInfo | undefined, now: number, defaultDurationMs: number): number {
  return info?.expires ?? now + defaultDurationMs;
}

export function isExpired(info: CapInfo | undefined, now: number): boolean {
  return info?.expires !== undefined && info.expires <= now;
}

/** The first audio resource; a resource of another type (a map, a PDF) is not for the loudspeakers. */
export function audioResource(info: CapInfo | undefined): CapResource | undefined {
  return info?.resources.find((r) => r.mimeType.toLowerCase().startsWith('audio/'));
}

/** What TTS reads when there is no audio: headline, description, instruction, each ending a sentence. */
export function spokenText(info: CapInfo): string {
  return [info.headline ?? info.event, info.description, info.instruction]
    .map((s) => s?.trim())
    .filter((s): s is string => !!s)
    .map((s) => (/[.!?…]$/.test(s) ? s : `${s}.`))
    .join(' ');
}

export function titleOf(msg: CapMessage, info: CapInfo | undefined): string {
  return (info?.headline ?? info?.event ?? `CAP ${msg.identifier}`).slice(0, 200);
}

export function unitCodesOf(areas: CapArea[]): string[] {
  const codes = areas.flatMap((a) => a.geocodes.filter((g) => g.valueName === GEOCODE_UNIT).map((g) => g.value));
  return [...new Set(codes)];
}

export function hasGeometry(areas: CapArea[]): boolean {
  return areas.some((a) => a.polygons.length > 0 || a.circles.length > 0);
}

export type Plan =
  | { kind: 'store'; outcome: 'not_actual' | 'stored'; note: string }
  | { kind: 'cancel' }
  | { kind: 'air'; stopsReferences: boolean };

/** What a valid, authenticated, unexpired message leads to. */
export function planFor(msg: CapMessage): Plan {
  if (msg.status !== 'Actual')
    return {
      kind: 'store',
      outcome: 'not_actual',
      note: `Đã lưu, không phát: trạng thái ${msg.status} (chỉ cảnh báo Actual được phát).`,
    };
  if (msg.msgType === 'Ack' || msg.msgType === 'Error')
    return { kind: 'store', outcome: 'stored', note: `Đã lưu: thông điệp ${msg.msgType} không phát lên loa.` };
  if (msg.msgType === 'Cancel') return { kind: 'cancel' };
  return { kind: 'air', stopsReferences: msg.msgType === 'Update' };
}
