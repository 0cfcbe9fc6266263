/** Platform file downloads for tests that build a platform by hand: the production downloader, trusting only the fake's origin. */
import { createPlatformFileDownloader } from '../../adapters/net/platform-download.js';
import { createSafeFetcher } from '../../adapters/net/safe-fetch.js';
import type { PlatformFileDownloader } from '../../src/ports.js';

export function platformFiles(apiUrl: string): PlatformFileDownloader {
  return createPlatformFileDownloader(createSafeFetcher({ trustedOrigins: [new URL(apiUrl).origin] }));
}
