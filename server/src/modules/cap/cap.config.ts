import { z } from 'zod';

/** CAP ingest settings (issue 7 item 5); the README's configuration table lists them. */
export const CapEnvSchema = z.object({
  /** Largest CAP message accepted; an inline (derefUri) audio resource counts against it. */
  NGUON_CAP_MAX_KB: z.coerce.number().int().min(16).max(65_536).default(8192),
  /** How long an alert without <expires> stays on air (and open to late joiners). */
  NGUON_CAP_DEFAULT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** Largest audio resource fetched from a <uri>. */
  NGUON_CAP_RESOURCE_MAX_MB: z.coerce.number().positive().max(500).default(20),
  /** Time allowed to fetch a resource <uri>, headers and body together. */
  NGUON_CAP_RESOURCE_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(20),
  /** How many times receivers play a CAP alert's audio. */
  NGUON_CAP_REPEAT: z.coerce.number().int().min(1).max(20).default(2),
});

export function capConfigFromEnv(e: z.infer<typeof CapEnvSchema>) {
  return {
    maxXmlBytes: e.NGUON_CAP_MAX_KB * 1024,
    defaultDurationMs: e.NGUON_CAP_DEFAULT_MINUTES * 60_000,
    resourceMaxBytes: Math.round(e.NGUON_CAP_RESOURCE_MAX_MB * 1024 * 1024),
    resourceTimeoutMs: e.NGUON_CAP_RESOURCE_TIMEOUT_S * 1000,
    repeat: e.NGUON_CAP_REPEAT,
  };
}
export type CapConfig = ReturnType<typeof capConfigFromEnv>;
