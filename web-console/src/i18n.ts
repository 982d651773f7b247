import { formatVn } from '@nguon/schemas';
import { DICT, type Key } from './dict/index.js';

export type Lang = 'vi' | 'en';
export type { Key };

const STORE = 'nguon.lang';
let lang: Lang = 'vi';
try {
  if (typeof localStorage !== 'undefined' && localStorage.getItem(STORE) === 'en') lang = 'en';
} catch {
  // storage blocked: Vietnamese, the default
}

export const getLang = (): Lang => lang;

export function setLang(next: Lang): void {
  lang = next;
  try {
    localStorage.setItem(STORE, next);
  } catch {
    // not kept across visits, still applied now
  }
  document.documentElement.lang = next;
}

/** The label in the current language; `{name}` placeholders filled from `params`. */
export function t(key: Key, params?: Record<string, string | number>): string {
  const s = DICT[key][lang];
  return params ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : s;
}

/** An instant as Vietnam wall time (UTC+7 all year), whatever the browser's own time zone. */
export const vnTime = (ms: number | null | undefined): string => (ms == null ? '—' : formatVn(ms));

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}:${String(s % 60).padStart(2, '0')}` : `${s} s`;
}

export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return t('time.secondsAgo', { n: s });
  if (s < 3600) return t('time.minutesAgo', { n: Math.floor(s / 60) });
  if (s < 86400) return t('time.hoursAgo', { n: Math.floor(s / 3600) });
  return t('time.daysAgo', { n: Math.floor(s / 86400) });
}
