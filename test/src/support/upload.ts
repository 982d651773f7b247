import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiResponse, TestServer } from './server.js';

/** Uploads a file as multipart form data, as the console does. */
export async function uploadFile(
  server: TestServer,
  file: string,
  name = path.basename(file),
  token: string | null = server.adminToken,
): Promise<ApiResponse> {
  const form = new FormData();
  form.append('file', new Blob([await readFile(file)]), name);
  const res = await fetch(`${server.baseUrl}/api/v1/media`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}
