/**
 * HTTP helpers for provider clients, on undici: JSON requests with a timeout and the caller's
 * AbortSignal, and downloads that stop reading past a size limit.
 */
import { Agent, fetch, request, type Dispatcher, type FormData } from 'undici';
import { withLinkedSignal } from '../../src/linked-signal.js';

export interface HttpOptions {
  dispatcher?: Dispatcher;
  timeoutMs: number;
}

let sharedAgent: Agent | undefined;
/**
 * One keep-alive pool for provider calls made without a dispatcher of their own, from this undici.
 * Not the process's global dispatcher: that one is installed by whichever undici copy loads first,
 * and discord.js bundles an older undici of its own.
 */
const providerAgent = (): Agent => (sharedAgent ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 }));

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}


export async function httpJson(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | FormData; signal?: AbortSignal },
  options: HttpOptions,
): Promise<HttpResponse> {
  // The caller's signal (a worker's shutdown) and the timeout, unhooked when the answer is read (src/linked-signal.ts).
  const { res, text } = await withLinkedSignal(init.signal, options.timeoutMs, async (signal) => {
    const res = await request(url, {
      method: init.method as Dispatcher.HttpMethod,
      headers: init.headers,
      body: init.body as string | undefined,
      signal,
      dispatcher: options.dispatcher ?? providerAgent(),
    });
    return { res, text: await res.body.text() };
  });
  let body: unknown = undefined;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: res.statusCode, headers: res.headers, body, text };
}

export class TooLargeError extends Error {
  override readonly name = 'TooLargeError';
  constructor(readonly limit: number) {
    super(`file larger than ${limit} bytes`);
  }
}

/** Fetches a URL into memory (following redirects), refusing more than maxBytes: checked on the header and while reading. */
export async function downloadLimited(
  url: string,
  maxBytes: number,
  options: HttpOptions & { headers?: Record<string, string>; signal?: AbortSignal },
): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
  return withLinkedSignal(options.signal, options.timeoutMs, (signal) => readLimited(url, maxBytes, options, signal));
}

async function readLimited(url: string, maxBytes: number, options: HttpOptions & { headers?: Record<string, string> }, signal: AbortSignal): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
  const res = await fetch(url, {
    headers: options.headers,
    signal,
    redirect: 'follow',
    dispatcher: options.dispatcher ?? providerAgent(),
  });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new Error(`download failed with HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel();
    throw new TooLargeError(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new TooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return { bytes: new Uint8Array(Buffer.concat(chunks)), contentType: res.headers.get('content-type') ?? undefined };
}

export function retryAfterMs(headers: HttpResponse['headers']): number | undefined {
  const v = headers['retry-after'];
  const raw = Array.isArray(v) ? v[0] : v;
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
