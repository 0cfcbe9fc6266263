/**
 * The one way to download a file on a user's behalf (prompt links, chat attachments, provider
 * outputs) without letting the user aim the bot at our own network (SSRF).
 *
 * - Addresses are checked inside the connection's DNS lookup, so the address checked is the
 *   address connected to: DNS rebinding has no second answer to slip through. IP-literal hosts,
 *   which skip the lookup, are checked before the request and again in the connector.
 * - Only https to public addresses, except exact `trustedOrigins` (configured APIs, test fakes).
 * - Redirects are followed by hand, each hop checked again; caller headers never leave the origin.
 * - The body is counted while streaming and dropped the moment it passes maxBytes.
 * - The type comes from the bytes (media-type.ts), never from headers.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { blockedRange } from './address-policy.js';
import { IMAGE_TYPES, VIDEO_TYPES, sniffMedia } from './media-type.js';
import { linkedSignal } from '../../src/linked-signal.js';

export type FetchRefusedReason =
  | 'blocked_address'
  | 'not_https'
  | 'too_many_redirects'
  | 'too_large'
  | 'http_status'
  | 'timeout'
  | 'network'
  | 'unsupported_type';

const MIB = 1024 * 1024;

/** The one sentence users see for every refusal, so errors cannot be used to map our network. */
export function refusalMessage(maxBytes: number): string {
  const size = maxBytes >= MIB ? `${Number((maxBytes / MIB).toFixed(1))} MB` : `${Math.max(1, Math.floor(maxBytes / 1024))} KB`;
  return `I could not use that file. Attach it directly, or link a public image (PNG, JPEG, WebP, GIF, HEIC, AVIF) under ${size}.`;
}

export class FetchRefusedError extends Error {
  override readonly name = 'FetchRefusedError';
  /** For logs only. */
  readonly reason: FetchRefusedReason;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly userMessage: string;
  /** The Content-Type the server declared, for callers that read meaning into it (Slack's HTML sign-in page). */
  readonly declaredType: string | undefined;
  constructor(init: { reason: FetchRefusedReason; detail: string; maxBytes: number; status?: number; retryable?: boolean; declaredType?: string; cause?: unknown }) {
    super(`${init.reason}: ${init.detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.reason = init.reason;
    this.status = init.status;
    this.retryable = init.retryable ?? init.reason === 'timeout';
    this.userMessage = refusalMessage(init.maxBytes);
    this.declaredType = init.declaredType;
  }
}

export interface FetchedFile {
  bytes: Uint8Array;
  /** Sniffed from the bytes; 'application/octet-stream' when unknown (accept: 'any' only). */
  mimeType: string;
  width?: number;
  height?: number;
  finalUrl: string;
}

export interface FetchOptions {
  maxBytes: number;
  accept: 'image' | 'image-or-video' | 'any';
  /** Credentials and the like: sent only where authorizedOrigin says yes, dropped once a redirect changes origin. */
  headers?: Record<string, string>;
  authorizedOrigin?: (url: URL) => boolean;
  /** Aborting it rejects with its reason, not with a FetchRefusedError. */
  signal?: AbortSignal;
}

export type Resolver = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export interface SafeFetcherOptions {
  /** Exact origins (scheme, host, port) allowed over http and to private or loopback addresses. */
  trustedOrigins?: readonly string[];
  /** DNS, replaceable in tests; every answer must be public for the connection to go ahead. */
  lookup?: Resolver;
  connectTimeoutMs?: number;
  /** Longest wait for headers or between two body chunks. */
  idleTimeoutMs?: number;
  totalTimeoutMs?: number;
}

export interface SafeFetcher {
  fetch(url: string, opts: FetchOptions): Promise<FetchedFile>;
  close(): Promise<void>;
}

const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Failures that the same request will meet again.
const PERMANENT_CODES = new Set(['ENOTFOUND', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Raised inside the connector, where the call's maxBytes is unknown; fetch() turns it into a refusal. */
class BlockedAddress extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

const defaultResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

function checkedLookup(resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const bad = found.find((a) => blockedRange(a.address) !== undefined);
        if (bad) return callback(new BlockedAddress(`${hostname} resolves to ${bad.address} (${blockedRange(bad.address)})`), '');
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const usable = family ? found.filter((a) => a.family === family) : [...found];
        const first = usable[0];
        if (!first) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, ''),
    );
  };
}

/** The connector for everything not trusted: https only, IP literals checked, names checked at lookup. */
function publicConnector(resolve: Resolver, timeout: number): buildConnector.connector {
  const connect = buildConnector({ timeout, lookup: checkedLookup(resolve) });
  return (opts, callback) => {
    const host = opts.hostname.replace(/^\[(.*)\]$/, '$1');
    const range = isIP(host) ? blockedRange(host) : undefined;
    if (opts.protocol !== 'https:' || range) return callback(new BlockedAddress(`${opts.protocol}//${host} (${range ?? 'not https'})`), null);
    connect(opts, callback);
  };
}

/** Drops a response body and its connection; undici reports that as an 'error' nobody needs to hear. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function parseUrl(text: string, base?: URL): URL | undefined {
  try {
    const url = new URL(text, base);
    // Userinfo would become a Basic credential sent to whoever the link points at.
    url.username = '';
    url.password = '';
    return url;
  } catch {
    return undefined;
  }
}

function accepts(accept: FetchOptions['accept'], mimeType: string, width: number | undefined): boolean {
  const image = IMAGE_TYPES.has(mimeType) && width !== undefined;
  if (accept === 'image') return image;
  if (accept === 'image-or-video') return image || VIDEO_TYPES.has(mimeType);
  return true;
}

export function createSafeFetcher(options: SafeFetcherOptions = {}): SafeFetcher {
  const trusted = new Set((options.trustedOrigins ?? []).map((o) => new URL(o).origin));
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const idle = options.idleTimeoutMs ?? 30_000;
  const totalTimeoutMs = options.totalTimeoutMs ?? 120_000;
  const common = { headersTimeout: idle, bodyTimeout: idle };
  const publicAgent = new Agent({ ...common, connect: publicConnector(options.lookup ?? defaultResolver, connectTimeout) });
  const trustedAgent = new Agent({ ...common, connect: { timeout: connectTimeout } });

  async function fetchOnce(url: string, opts: FetchOptions, signal: AbortSignal): Promise<FetchedFile> {
    const refuse = (reason: FetchRefusedReason, detail: string, extra: { status?: number; retryable?: boolean; declaredType?: string } = {}): FetchRefusedError =>
      new FetchRefusedError({ reason, detail, maxBytes: opts.maxBytes, ...extra });
    let current = parseUrl(url);
    let headers = current && opts.authorizedOrigin?.(current) ? (opts.headers ?? {}) : {};
    for (let hop = 0; ; hop++) {
      if (!current || (current.protocol !== 'https:' && current.protocol !== 'http:')) throw refuse('not_https', 'not an http(s) URL');
      let dispatcher: Dispatcher = trustedAgent;
      if (!trusted.has(current.origin)) {
        if (current.protocol !== 'https:') throw refuse('not_https', `${current.origin} is not https`);
        const host = current.hostname.replace(/^\[(.*)\]$/, '$1');
        const range = isIP(host) ? blockedRange(host) : undefined;
        if (range) throw refuse('blocked_address', `${current.origin} is ${range}`);
        dispatcher = publicAgent;
      }
      const res = await dispatcher.request({
        origin: current.origin,
        path: current.pathname + current.search,
        method: 'GET',
        headers: { 'user-agent': 'genbot', ...headers },
        signal,
      });
      const status = res.statusCode;
      if (REDIRECTS.has(status)) {
        discard(res.body);
        if (hop >= MAX_REDIRECTS) throw refuse('too_many_redirects', `more than ${MAX_REDIRECTS} redirects from ${current.origin}`);
        const location = res.headers.location;
        const next = typeof location === 'string' ? parseUrl(location, current) : undefined;
        if (!next) throw refuse('http_status', `${status} without a usable Location from ${current.origin}`, { status });
        if (next.origin !== current.origin || !opts.authorizedOrigin?.(next)) headers = {};
        current = next;
        continue;
      }
      if (status < 200 || status >= 300) {
        discard(res.body);
        const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
        throw refuse('http_status', `HTTP ${status} from ${current.origin}`, { status, retryable });
      }
      const declared = res.headers['content-length'];
      if (typeof declared === 'string' && /^\d+$/.test(declared) && Number(declared) > opts.maxBytes) {
        discard(res.body);
        throw refuse('too_large', `Content-Length ${declared} > ${opts.maxBytes} from ${current.origin}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > opts.maxBytes) {
          discard(res.body);
          throw refuse('too_large', `body passed ${opts.maxBytes} bytes from ${current.origin}`);
        }
        chunks.push(chunk);
      }
      // A view on the one copy Buffer.concat makes (results are megabytes; a second copy is pure cost).
      const joined = Buffer.concat(chunks, size);
      const bytes = new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
      const media = await sniffMedia(bytes);
      const mimeType = media?.mimeType ?? 'application/octet-stream';
      if (!accepts(opts.accept, mimeType, media?.width)) {
        const declaredType = res.headers['content-type'];
        throw refuse('unsupported_type', `${mimeType} from ${current.origin} is not ${opts.accept}`, typeof declaredType === 'string' ? { declaredType } : {});
      }
      return { bytes, ...media, mimeType, finalUrl: current.href };
    }
  }

  return {
    async fetch(url, opts) {
      const linked = linkedSignal(opts.signal, totalTimeoutMs);
      const deadline = linked.signal;
      try {
        return await fetchOnce(url, opts, deadline);
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        if (err instanceof FetchRefusedError) throw err;
        const maxBytes = opts.maxBytes;
        if (err instanceof BlockedAddress) throw new FetchRefusedError({ reason: 'blocked_address', detail: err.detail, maxBytes });
        const code = (err as { code?: unknown } | null)?.code;
        const timedOut = deadline.aborted && !opts.signal?.aborted;
        if (timedOut || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
          const detail = timedOut ? `over ${totalTimeoutMs} ms in total` : String(code);
          throw new FetchRefusedError({ reason: 'timeout', detail, maxBytes, cause: err });
        }
        // Without an error code it is not the network but a bug, and stays one.
        if (typeof code !== 'string' || code === 'UND_ERR_INVALID_ARG') throw err;
        throw new FetchRefusedError({ reason: 'network', detail: code, maxBytes, retryable: !PERMANENT_CODES.has(code), cause: err });
      } finally {
        linked.dispose();
      }
    },
    async close() {
      await Promise.all([publicAgent.close(), trustedAgent.close()]);
    },
  };
}
