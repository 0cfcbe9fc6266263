/**
 * Slack's HTTP layer against a plain HTTP server: the WebClient's transport
 * (adapters/slack/transport.ts) must not change what the WebClient makes of answers, rate limits,
 * HTTP errors and uploads; the hot-path calls (adapters/slack/web-api-call.ts) must behave like
 * the WebClient they replace: retries, Retry-After, errors toPlatformError reads, the token only
 * where it belongs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPlatformError } from '../../adapters/slack/platform.js';
import { slackFetch } from '../../adapters/slack/transport.js';
import { createSlackWebApi, formEncode } from '../../adapters/slack/web-api-call.js';

interface Seen {
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: Buffer;
}

let server: Server;
let base = '';
const seen: Seen[] = [];
let connections = 0;
let answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = () => undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ path: req.url ?? '', contentType: req.headers['content-type'], authorization: req.headers.authorization, body });
      answer(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

describe('Slack transport (undici under the WebClient)', () => {
  it('sends the form-encoded call with the token and returns the parsed answer, on one reused connection', async () => {
    seen.length = 0;
    const before = connections;
    answer = (_req, res) => json(res, 200, { ok: true, channel: 'C1', ts: '1.000100' }, { 'x-oauth-scopes': 'chat:write' });
    const client = new WebClient('xoxb-test', { slackApiUrl: base, fetch: slackFetch(), retryConfig: { retries: 0 } });
    const first = await client.chat.postMessage({ channel: 'C1', text: 'héllo', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }] });
    for (let i = 0; i < 5; i++) await client.chat.postMessage({ channel: 'C1', text: 'again' });
    expect(first.ts).toBe('1.000100');
    expect(first.response_metadata?.scopes).toEqual(['chat:write']);
    expect(seen[0]!.path).toBe('/api/chat.postMessage');
    expect(seen[0]!.authorization).toBe('Bearer xoxb-test');
    expect(seen[0]!.contentType).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(seen[0]!.body.toString());
    expect(form.get('text')).toBe('héllo');
    expect(JSON.parse(form.get('blocks')!)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }]);
    // Six calls, kept-alive sockets (a second one may open while the first is being released).
    expect(connections - before).toBeLessThanOrEqual(2);
  });

  it('reports a 429 as a rate-limited error with Slack’s Retry-After', async () => {
    answer = (_req, res) => json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' });
    const client = new WebClient('xoxb-test', { slackApiUrl: base, fetch: slackFetch(), rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    const err = (await client.chat.update({ channel: 'C1', ts: '1.0', text: 'x' }).catch((e: unknown) => e)) as { code?: string; retryAfter?: number };
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(7);
  });

  it('reports Slack’s own refusal (ok: false) and an HTTP error as the WebClient always did', async () => {
    answer = (_req, res) => json(res, 200, { ok: false, error: 'not_in_channel' });
    const client = new WebClient('xoxb-test', { slackApiUrl: base, fetch: slackFetch(), retryConfig: { retries: 0 } });
    const refused = (await client.chat.postMessage({ channel: 'C9', text: 'x' }).catch((e: unknown) => e)) as { code?: string; data?: { error?: string } };
    expect(refused.code).toBe(ErrorCode.PlatformError);
    expect(refused.data?.error).toBe('not_in_channel');

    answer = (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('down for maintenance');
    };
    const down = (await client.chat.postMessage({ channel: 'C1', text: 'x' }).catch((e: unknown) => e)) as { code?: string; statusCode?: number; body?: unknown };
    expect(down.code).toBe(ErrorCode.HTTPError);
    expect(down.statusCode).toBe(503);
    expect(down.body).toBe('down for maintenance');
  });

  it('uploads a file as multipart with its bytes intact (files.uploadV2’s three calls)', async () => {
    seen.length = 0;
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    answer = (req, res) => {
      if (req.url?.endsWith('files.getUploadURLExternal')) return json(res, 200, { ok: true, upload_url: `${base.replace('/api/', '')}/upload/F1`, file_id: 'F1' });
      if (req.url?.startsWith('/upload/')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('OK - 12');
      }
      return json(res, 200, { ok: true, files: [{ id: 'F1', title: 'fox.png' }] });
    };
    const client = new WebClient('xoxb-test', { slackApiUrl: base, fetch: slackFetch(), retryConfig: { retries: 0 } });
    await client.filesUploadV2({ channel_id: 'C1', file_uploads: [{ file: png, filename: 'fox.png' }] });
    const upload = seen.find((s) => s.path === '/upload/F1')!;
    const boundary = /boundary=(.+)$/.exec(upload.contentType ?? '')?.[1];
    expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(boundary).toBeTruthy();
    // The part's payload is exactly the file: located between its headers and the closing boundary.
    const start = upload.body.indexOf('\r\n\r\n') + 4;
    const end = upload.body.indexOf(`\r\n--${boundary}--`);
    expect(upload.body.subarray(start, end).equals(png)).toBe(true);
    expect(seen.map((s) => s.path)).toEqual(['/api/files.getUploadURLExternal', '/upload/F1', '/api/files.completeUploadExternal']);
  });
});

describe('hot-path Slack calls (web-api-call)', () => {
  const api = () => createSlackWebApi({ token: 'xoxb-hot', apiUrl: base.replace(/\/$/, '') });

  it('encodes arguments as the WebClient does and returns Slack’s answer', async () => {
    seen.length = 0;
    answer = (_req, res) => json(res, 200, { ok: true, upload_url: 'https://files.slack.com/upload/v1/x', file_id: 'F1' });
    const res = await api().call('files.getUploadURLExternal', { filename: 'a & b.png', length: 42, alt_text: undefined, snippet: { x: 1 } }, { retries: 0 });
    expect(res['file_id']).toBe('F1');
    expect(seen[0]!.path).toBe('/api/files.getUploadURLExternal');
    expect(seen[0]!.authorization).toBe('Bearer xoxb-hot');
    expect(seen[0]!.contentType).toBe('application/x-www-form-urlencoded');
    expect(seen[0]!.body.toString()).toBe(formEncode({ filename: 'a & b.png', length: 42, snippet: { x: 1 } }));
    const form = new URLSearchParams(seen[0]!.body.toString());
    expect([...form.keys()]).toEqual(['filename', 'length', 'snippet']);
    expect(form.get('snippet')).toBe('{"x":1}');
  });

  it('sends chat.postMessage and chat.update as JSON bodies (Slack’s recommendation for blocks), undefined left out', async () => {
    seen.length = 0;
    answer = (_req, res) => json(res, 200, { ok: true, ts: '2.000200', channel: 'C1' });
    const res = await api().call('chat.postMessage', { channel: 'C1', text: 'a & b', blocks: [{ type: 'divider' }], unfurl_links: false, thread_ts: undefined }, { retries: 0 });
    expect(res['ts']).toBe('2.000200');
    expect(seen[0]!.authorization).toBe('Bearer xoxb-hot');
    expect(seen[0]!.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(seen[0]!.body.toString())).toEqual({ channel: 'C1', text: 'a & b', blocks: [{ type: 'divider' }], unfurl_links: false });
    await api().call('chat.update', { channel: 'C1', ts: '2.000200', text: 'done' }, { retries: 0 });
    expect(seen[1]!.contentType).toBe('application/json; charset=utf-8');
  });

  it('waits Slack’s Retry-After on a 429 and tries again; a progress edit fails at once as rate limited', async () => {
    seen.length = 0;
    let n = 0;
    answer = (_req, res) => (n++ === 0 ? json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' }) : json(res, 200, { ok: true }));
    const t0 = Date.now();
    await api().call('chat.update', { channel: 'C1', ts: '1.0', text: 'final' }, { retries: 5 });
    expect(seen).toHaveLength(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);

    n = 0;
    seen.length = 0;
    const err = await api().call('chat.update', { channel: 'C1', ts: '1.0', text: 'progress' }, { retries: 0, rejectRateLimited: true }).catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    const platformError = toPlatformError(err, 'chat.update', 'C1');
    expect(platformError.code).toBe('rate_limited');
    expect(platformError.retryAfterMs).toBe(1000);
  });

  it('retries a 5xx and a dropped connection, and never an `ok: false` answer', async () => {
    seen.length = 0;
    let n = 0;
    answer = (req, res) => {
      n++;
      if (n === 1) return json(res, 502, { ok: false });
      if (n === 2) return req.socket.destroy();
      return json(res, 200, { ok: true, answered: n });
    };
    const res = await api().call('chat.postMessage', { channel: 'C1', text: 'x' }, { retries: 5 });
    expect(res['answered']).toBe(3);

    seen.length = 0;
    answer = (_req, res) => json(res, 200, { ok: false, error: 'not_in_channel' });
    const err = await api().call('chat.postMessage', { channel: 'C9', text: 'x' }, { retries: 5 }).catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    const platformError = toPlatformError(err, 'chat.postMessage', 'C9');
    expect(platformError.code).toBe('forbidden');
    expect(platformError.access).toEqual({ reason: 'not_in_channel', channelId: 'C9' });
  });

  it('gives up after its retries with an error that carries no token', async () => {
    answer = (_req, res) => json(res, 500, { ok: false });
    const err = (await api().call('chat.postMessage', { channel: 'C1', text: 'x' }, { retries: 1 }).catch((e: unknown) => e)) as Error;
    expect(toPlatformError(err, 'chat.postMessage', 'C1').code).toBe('other');
    expect(JSON.stringify({ message: err.message, stack: err.stack })).not.toContain('xoxb-hot');
  });

  it('uploads raw bytes, with the token only when asked to', async () => {
    seen.length = 0;
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    };
    const bytes = new Uint8Array([1, 2, 3, 250]);
    await api().uploadBytes(`${base.replace('/api/', '')}/upload/F9`, bytes, { retries: 0, withToken: true });
    await api().uploadBytes(`${base.replace('/api/', '')}/upload/F10`, bytes, { retries: 0, withToken: false });
    // Slack's upload URL is opaque: whatever it carries after the path goes back as it came.
    await api().uploadBytes(`${base.replace('/api/', '')}/upload/v1/F11?sig=a%2Bb&t=1`, bytes, { retries: 0, withToken: false });
    expect(seen[0]!.authorization).toBe('Bearer xoxb-hot');
    expect(seen[0]!.contentType).toBe('application/octet-stream');
    expect(seen[0]!.body.equals(Buffer.from(bytes))).toBe(true);
    expect(seen[1]!.authorization).toBeUndefined();
    expect(seen.map((s) => s.path)).toEqual(['/upload/F9', '/upload/F10', '/upload/v1/F11?sig=a%2Bb&t=1']);
  });
});
