/**
 * A `makeRequest` for @discordjs/rest that works whichever undici owns the process.
 *
 * @discordjs/rest hands multipart bodies to its own undici as a FormData; when another undici
 * major (ours) owns the process-wide dispatcher, that FormData is not readable by it. Encoding
 * the FormData to bytes first (with its boundary header) works with any undici.
 */
import type { RESTOptions } from '@discordjs/rest';
import { request } from 'undici';

async function encodedRequest(url: string, init: Record<string, unknown>) {
  let body = init['body'] as unknown;
  const headers: Record<string, string> = { ...((init['headers'] as Record<string, string> | undefined) ?? {}) };
  if (body instanceof FormData) {
    const encoded = new Response(body);
    headers['content-type'] = encoded.headers.get('content-type')!;
    body = Buffer.from(await encoded.arrayBuffer());
  }
  const res = await request(url, { method: init['method'] as 'GET', headers, body: body as Buffer | string | null, signal: init['signal'] as AbortSignal });
  return {
    body: res.body,
    arrayBuffer: () => res.body.arrayBuffer(),
    json: () => res.body.json(),
    text: () => res.body.text(),
    get bodyUsed() {
      return res.body.bodyUsed;
    },
    headers: new Headers(Object.entries(res.headers).flatMap(([k, v]) => (v === undefined ? [] : Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, String(v)] as [string, string]]))),
    status: res.statusCode,
    statusText: '',
    ok: res.statusCode >= 200 && res.statusCode < 300,
  };
}

export const makeDiscordRequest = encodedRequest as unknown as NonNullable<RESTOptions['makeRequest']>;
