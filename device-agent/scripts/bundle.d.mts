export const UNIT_FILE: string;
export function bundleAgent(outfile?: string): Promise<string>;
export function unitLaunch(): Promise<{ flags: string[]; env: Record<string, string> }>;
