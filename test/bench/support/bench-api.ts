import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Logs in as the bench's admin and uploads one audio file through the HTTP API, as the console would. */
export async function uploadAsAdmin(
  baseUrl: string,
  password: string,
  file: string,
): Promise<{ sha256: string; durationMs: number }> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (login.status !== 200) throw new Error(`admin login failed: HTTP ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  const form = new FormData();
  form.append('file', new Blob([await readFile(file)]), path.basename(file));
  const res = await fetch(`${baseUrl}/api/v1/media`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 201) throw new Error(`upload failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { sha256: string; durationMs: number };
}
