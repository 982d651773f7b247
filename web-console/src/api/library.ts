import { Sha256Schema } from '@nguon/schemas';
import { z } from 'zod';
import { api, get, post, query } from './http.js';

/** As server/src/modules/library/library.schemas.ts and jobs.schemas.ts answer them. */
export const LibraryItemSchema = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  sha256: Sha256Schema,
  title: z.string(),
  kind: z.enum(['upload', 'tts', 'recording']),
  originalName: z.string().nullable(),
  createdBy: z.number().int().nullable(),
  createdAt: z.number().int(),
  durationMs: z.number().int(),
  sizeBytes: z.number().int(),
  loudnessLufs: z.number().nullable(),
  truePeakDb: z.number().nullable(),
  audioUrl: z.string(),
});
export type LibraryItem = z.infer<typeof LibraryItemSchema>;

export const JobSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['transcode', 'tts']),
  state: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: z.number(),
  title: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  unitId: z.number().int(),
  createdAt: z.number().int(),
  finishedAt: z.number().int().nullable(),
});
export type Job = z.infer<typeof JobSchema>;
export const FINISHED_JOB = ['succeeded', 'failed', 'cancelled'] as const;

const JobReply = z.object({ job: JobSchema });
const UploadReply = z.union([JobReply, z.object({ item: LibraryItemSchema })]);

export const listLibrary = (unitCode?: string) =>
  get(`/api/v1/library${query({ unitCode, limit: 500 })}`, z.object({ items: z.array(LibraryItemSchema) })).then(
    (r) => r.items,
  );
export const getItem = (id: number) => get(`/api/v1/library/${id}`, z.object({ item: LibraryItemSchema }));
export const deleteItem = (id: number) => api('DELETE', `/api/v1/library/${id}`);
export const getJob = (id: number) => get(`/api/v1/jobs/${id}`, JobReply).then((r) => r.job);
export const cancelJob = (id: number) => post(`/api/v1/jobs/${id}/cancel`, {}, JobReply);

/** Text read aloud by the server's TTS; the item appears when the job succeeds. */
export const requestTts = (body: { text: string; title: string; unitCode?: string; speed?: number }) =>
  post('/api/v1/library/tts', body, JobReply).then((r) => r.job);

/** A file or a browser recording; fields go before the file, as the server reads them. */
export function upload(file: Blob, fileName: string, fields: { title?: string; kind?: 'upload' | 'recording' }) {
  const form = new FormData();
  if (fields.title) form.append('title', fields.title);
  if (fields.kind) form.append('kind', fields.kind);
  form.append('file', file, fileName);
  return api('POST', '/api/v1/library', { form, schema: UploadReply });
}

/** Polls a job until it ends (the API has no push for jobs); calls `onProgress` on each look. */
export async function waitForJob(id: number, onProgress: (job: Job) => void, signal?: AbortSignal): Promise<Job> {
  for (;;) {
    const job = await getJob(id);
    onProgress(job);
    if ((FINISHED_JOB as readonly string[]).includes(job.state)) return job;
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    await new Promise((r) => setTimeout(r, 700));
  }
}

/** The library item a finished job produced (`result.itemId`), if any. */
export function itemIdOf(job: Job): number | null {
  const id = job.result?.itemId;
  return typeof id === 'number' ? id : null;
}
