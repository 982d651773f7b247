/** CAP helpers for integration tests: fixture files with placeholders, senders, posting XML. */

import { readFile } from 'node:fs/promises';
import { signCapAlert } from '@nguon/server';
import type { TestServer } from './server.js';

export const CAP_FIXTURES = new URL('../../fixtures/cap/', import.meta.url);

/** A CAP dateTime in Vietnam's offset (UTC+7), as agencies there write it. */
export function capTime(ms: number): string {
  const local = new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+07:00`;
}

/** Reads test/fixtures/cap/<name> and fills its {{PLACEHOLDERS}}. */
export async function capFixture(name: string, values: Record<string, string> = {}): Promise<string> {
  const raw = await readFile(new URL(name, CAP_FIXTURES), 'utf8');
  return raw.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

export async function createCapSender(
  server: TestServer,
  body: { sender: string; name?: string; unitCode: string; certificate?: string },
): Promise<{ id: number; token: string }> {
  const r = await server.api<{ sender: { id: number }; token: string }>('POST', '/api/v1/cap/senders', {
    name: 'Đài Khí tượng Thủy văn',
    ...body,
  });
  if (r.status !== 201) throw new Error(`CAP sender: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.sender.id, token: r.body.token };
}

export interface CapPostResult {
  status: number;
  body: {
    alert?: { id: string; outcome: string; note: string; emergencyId: string | null; identifier: string | null };
    duplicate?: boolean;
    error?: { code: string; message: string; details?: unknown };
  };
}

export async function postCap(
  server: TestServer,
  xml: string,
  token: string | null,
  contentType = 'application/cap+xml',
): Promise<CapPostResult> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${server.baseUrl}/api/v1/cap/alerts`, { method: 'POST', headers, body: xml });
  return { status: res.status, body: (await res.json()) as CapPostResult['body'] };
}

/** Signs as a CAP 1.2 sender does: an enveloped RSA-SHA256 XML Signature over the whole alert. */
export const signCap = signCapAlert;
