import { COMMON } from './common.js';
import { PAGES } from './pages.js';
import { WORK } from './work.js';

/** Every label of the console in both languages; `t()` accepts only these keys. */
export const DICT = { ...COMMON, ...PAGES, ...WORK } satisfies Record<string, { vi: string; en: string }>;
export type Key = keyof typeof DICT;
