import { COMMON } from './common.js';
import { MONITOR } from './monitor.js';
import { PAGES } from './pages.js';
import { WORK } from './work.js';

/** Every label of the console in both languages; `t()` accepts only these keys. */
export const DICT = { ...COMMON, ...PAGES, ...WORK, ...MONITOR } satisfies Record<string, { vi: string; en: string }>;
export type Key = keyof typeof DICT;
