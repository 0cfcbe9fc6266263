/** Krea's nine job states → the neutral ProviderStatus, in one table. */
import { z } from 'zod';
import { providerText } from '../../../src/errors.js';
import type { ProviderStatus } from '../../../src/generation.js';
import type { MediaRef } from '../../../src/model.js';
import { brokenResultLinks } from './errors.js';

export const KreaJobState = z.enum(['backlogged', 'queued', 'scheduled', 'processing', 'sampling', 'intermediate-complete', 'completed', 'failed', 'cancelled']);
export type KreaJobState = z.infer<typeof KreaJobState>;

const UrlItem = z.union([z.string(), z.object({ url: z.string(), type: z.string().optional() }).passthrough()]);

export const KreaJob = z
  .object({
    job_id: z.string(),
    status: KreaJobState,
    created_at: z.string().nullish(),
    completed_at: z.string().nullish(),
    result: z
      .object({ urls: z.array(UrlItem).nullish(), error: z.string().nullish(), message: z.string().nullish() })
      .passthrough()
      .nullish(),
    error: z.unknown().optional(),
  })
  .passthrough();
export type KreaJob = z.infer<typeof KreaJob>;

/** GET /jobs: the key's jobs, newest first. */
export const KreaJobList = z.object({ items: z.array(KreaJob), next_cursor: z.string().nullish() }).passthrough();

export const STATE_TABLE: Record<KreaJobState, ProviderStatus['state']> = {
  backlogged: 'queued',
  queued: 'queued',
  scheduled: 'queued',
  processing: 'running',
  sampling: 'running',
  'intermediate-complete': 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The job's http(s) result links: `usable` parse, `broken` look like links but do not (`https://a b.png`). */
function linksOf(job: KreaJob): { usable: string[]; broken: number } {
  const links = (job.result?.urls ?? []).map((u) => (typeof u === 'string' ? u : u.url)).filter((u) => /^https?:\/\//.test(u));
  const usable = links.filter((u) => URL.canParse(u));
  return { usable, broken: links.length - usable.length };
}

function mediaOf(url: string): MediaRef {
  const ext = new URL(url).pathname.split('.').pop()?.toLowerCase();
  const mime: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime' };
  return { url, source: 'provider', ...(ext && mime[ext] ? { mimeType: mime[ext] } : {}) };
}

/** The job as a ProviderStatus; a finished job whose every result link is broken is a retryable ProviderError. */
export function toProviderStatus(job: KreaJob): ProviderStatus {
  const state = STATE_TABLE[job.status];
  switch (state) {
    case 'queued':
      return { state, providerState: job.status };
    case 'running': {
      const previews = job.status === 'intermediate-complete' ? linksOf(job).usable : [];
      return previews.length > 0 ? { state, providerState: job.status, previewUrls: previews } : { state, providerState: job.status };
    }
    case 'succeeded': {
      // Every link that parses is kept (each is a paid result); only when all are broken is there nothing to deliver.
      const { usable, broken } = linksOf(job);
      if (usable.length === 0 && broken > 0) throw brokenResultLinks();
      return { state, providerState: job.status, outputs: usable.map(mediaOf) };
    }
    case 'failed': {
      const said = [job.result?.error, job.result?.message, job.error].map((t) => (typeof t === 'string' ? providerText(t) : ''));
      const reason = said.find((t) => t !== '');
      const moderated = reason && /moderat|safety|nsfw|policy/i.test(reason);
      return {
        state,
        providerState: job.status,
        reason: moderated ? 'Krea declined this prompt under its content policy. Try rewording it.' : `Krea could not finish this job${reason ? `: ${reason}` : '.'}`,
        retryable: false,
        billed: false,
      };
    }
    case 'cancelled':
      return { state, providerState: job.status };
  }
}
