/**
 * How the pipeline downloads media on a user's behalf, through the one SSRF-safe fetcher
 * (adapters/net/safe-fetch.ts). Two fetchers: links a user pasted trust no origin at all (a
 * public https link may not redirect into a configured private API); provider outputs trust the
 * configured provider origins exactly (private deployments and the local simulators).
 */
import { createSafeFetcher, type SafeFetcher } from '../../adapters/net/safe-fetch.js';
import type { MediaFile, MediaRef } from '../model.js';

export interface PipelineFetch {
  fetchMedia(media: MediaRef, maxBytes: number, signal?: AbortSignal): Promise<MediaFile>;
  close(): Promise<void>;
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

export function createPipelineFetch(options: { providerUrls: string[] }): PipelineFetch {
  const userLinks: SafeFetcher = createSafeFetcher();
  const providerFiles: SafeFetcher = createSafeFetcher({ trustedOrigins: options.providerUrls.map(originOf) });
  return {
    async fetchMedia(media, maxBytes, signal) {
      const fromProvider = media.source === 'provider';
      const fetcher = fromProvider ? providerFiles : userLinks;
      // Outputs may be any media (video, or a format we do not sniff); inputs must be images or videos.
      const file = await fetcher.fetch(media.url, { maxBytes, accept: fromProvider ? 'any' : 'image-or-video', ...(signal ? { signal } : {}) });
      const name = media.name ?? new URL(file.finalUrl).pathname.split('/').pop() ?? 'file';
      const mimeType = file.mimeType === 'application/octet-stream' && media.mimeType ? media.mimeType : file.mimeType;
      return { name, mimeType, bytes: file.bytes, ...(file.width && file.height ? { width: file.width, height: file.height } : {}) };
    },
    async close() {
      await Promise.all([userLinks.close(), providerFiles.close()]);
    },
  };
}
