/**
 * Downloading a chat platform's own file (a Slack upload, a Discord attachment) through the
 * SSRF-safe fetcher: the same address checks, redirect limit, streaming size cap and sniffed type
 * as any other download, with the platform's credential sent only to the platform's file hosts.
 * Refusals come back as PlatformErrors whose messages speak to the user. The platform adapters
 * get this as a PlatformFileDownloader (src/ports.ts), wired in src/main.
 */
import { PlatformError } from '../../src/errors.js';
import type { PlatformFileDownloader } from '../../src/ports.js';
import { FetchRefusedError, type SafeFetcher } from './safe-fetch.js';

const MIB = 1024 * 1024;

export function createPlatformFileDownloader(files: SafeFetcher): PlatformFileDownloader {
  return async (req) => {
    const name = req.media.name ?? 'file';
    try {
      const file = await files.fetch(req.media.url, {
        maxBytes: req.maxBytes,
        accept: 'image-or-video',
        ...(req.headers ? { headers: req.headers } : {}),
        ...(req.authorizedOrigin ? { authorizedOrigin: req.authorizedOrigin } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      return { name, mimeType: file.mimeType, bytes: file.bytes, ...(file.width && file.height ? { width: file.width, height: file.height } : {}) };
    } catch (err) {
      if (!(err instanceof FetchRefusedError)) throw err;
      if (err.reason === 'too_large') throw new PlatformError(req.platform, 'too_large', `\`${name}\` is over the ${Math.round(req.maxBytes / MIB)} MB limit.`, undefined, { cause: err });
      // Timeouts and 5xx stay FetchRefusedErrors: retryable, and their userMessage says what to do.
      throw req.explain?.({ reason: err.reason, status: err.status, declaredType: err.declaredType }) ?? err;
    }
  };
}
