/**
 * The SSRF-safe fetcher against real HTTP servers on loopback. Loopback is exactly what a prompt
 * link must not reach, so the servers are only reachable when their origin is trusted; public
 * hostnames are simulated with an injected lookup (there is no internet here).
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { extensionFor } from '../../adapters/net/media-type.js';
import { createSafeFetcher, FetchRefusedError, refusalMessage, type FetchOptions, type Resolver, type SafeFetcherOptions } from '../../adapters/net/safe-fetch.js';

const MAX = 64 * 1024;
const IMAGE: FetchOptions = { maxBytes: MAX, accept: 'image' };
const PUBLIC_IP = '93.184.216.34';

// ---- tiny but well-formed media files ----
const u32 = (n: number): Buffer => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const u16le = (n: number): number[] => [n & 255, n >> 8];
function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
}
function png(w: number, h: number): Buffer {
  const ihdr = Buffer.concat([u32(w), u32(h), Buffer.from([8, 6, 0, 0, 0])]);
  const pixels = deflateSync(Buffer.alloc((w * 4 + 1) * h));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), pngChunk('IHDR', ihdr), pngChunk('IDAT', pixels), pngChunk('IEND', Buffer.alloc(0))]);
}
function jpeg(w: number, h: number, orientation?: number): Buffer {
  const jfif = Buffer.from('ffe000104a46494600010100000100010000', 'hex');
  const exifBody = Buffer.concat([Buffer.from('Exif\0\0MM\0\x2a', 'latin1'), u32(8), Buffer.from([0, 1, 0x01, 0x12, 0, 3]), u32(1), Buffer.from([0, orientation ?? 1, 0, 0]), u32(0)]);
  const exif = orientation ? Buffer.concat([Buffer.from([0xff, 0xe1, 0, exifBody.length + 2]), exifBody]) : Buffer.alloc(0);
  const sof = Buffer.from([0xff, 0xc0, 0, 17, 8, h >> 8, h & 255, w >> 8, w & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, exif, sof, Buffer.from([0xff, 0xd9])]);
}
function webp(w: number, h: number): Buffer {
  const vp8x = Buffer.from([...Buffer.from('VP8X'), 10, 0, 0, 0, 0, 0, 0, 0, (w - 1) & 255, (w - 1) >> 8, 0, (h - 1) & 255, (h - 1) >> 8, 0]);
  return Buffer.concat([Buffer.from('RIFF'), Buffer.from([vp8x.length + 4, 0, 0, 0]), Buffer.from('WEBP'), vp8x]);
}
function gif(w: number, h: number): Buffer {
  const screen = [...u16le(w), ...u16le(h), 0x80, 0, 0, 0, 0, 0, 255, 255, 255];
  return Buffer.from([...Buffer.from('GIF89a'), ...screen, 0x2c, 0, 0, 0, 0, ...u16le(w), ...u16le(h), 0, 2, 2, 0x44, 0x01, 0, 0x3b]);
}
const box = (type: string, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
};
/** An ISO-BMFF still image (AVIF, HEIC): ftyp, then meta/iprp/ipco with one ispe box per size. */
function isoImage(major: string, compatible: string[], ...sizes: [number, number][]): Buffer {
  const ftyp = box('ftyp', Buffer.from(major, 'latin1'), u32(0), ...compatible.map((b) => Buffer.from(b, 'latin1')));
  const ispes = sizes.map(([w, h]) => box('ispe', u32(0), u32(w), u32(h)));
  return Buffer.concat([ftyp, box('meta', u32(0), box('iprp', box('ipco', ...ispes)))]);
}
const mp4 = (): Buffer => Buffer.concat([box('ftyp', Buffer.from('isom'), u32(512), Buffer.from('isomiso2avc1mp41')), box('free')]);

// ---- servers and fetchers, all closed after each test ----
interface TestServer {
  origin: string;
  port: number;
  requests: http.IncomingHttpHeaders[];
  connections: () => number;
}
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: net.Server): Promise<{ port: number; connections: () => number }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  server.on('connection', (s: net.Socket) => {
    count++;
    sockets.add(s);
    s.on('error', () => undefined); // the fetcher hanging up mid-response is the point of several tests
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, connections: () => count };
}

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<TestServer> {
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    handler(req, res);
  });
  const { port, connections } = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, port, requests, connections };
}

const sendFile = (body: Buffer, type = 'application/octet-stream') => (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
};

function fetcher(options: SafeFetcherOptions = {}): ReturnType<typeof createSafeFetcher> {
  const f = createSafeFetcher(options);
  cleanups.push(() => f.close());
  return f;
}

async function refusal(p: Promise<unknown>): Promise<FetchRefusedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof FetchRefusedError)) throw new Error(`expected a FetchRefusedError, got ${String(err)}`);
  expect(err.userMessage).toBe(refusalMessage(MAX));
  return err;
}

/** A lookup that answers from a script and counts calls; the last answer repeats. */
function scriptedLookup(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    const answer = answers[Math.min(calls.length, answers.length - 1)] ?? [];
    calls.push(hostname);
    return answer.map((address) => ({ address, family: net.isIP(address) }));
  };
  return Object.assign(lookup, { calls });
}

/** Streams `total` bytes (a PNG header, then zeros) in slow chunks; resolves with how much it wrote when the connection closed. */
function slowBody(total: number, headers: http.OutgoingHttpHeaders = {}) {
  let done!: (r: { written: number }) => void;
  const closed = new Promise<{ written: number }>((resolve) => (done = resolve));
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    let written = 0;
    res.writeHead(200, { 'content-type': 'image/png', ...headers }).flushHeaders();
    const timer = setInterval(() => {
      const chunk = written === 0 ? Buffer.concat([png(1, 1), Buffer.alloc(8192)]) : Buffer.alloc(8192);
      res.write(chunk);
      written += chunk.length;
      if (written >= total) {
        clearInterval(timer);
        res.end();
      }
    }, 5);
    res.on('close', () => {
      clearInterval(timer);
      done({ written });
    });
  };
  return { handler, closed };
}

describe('safe fetch: where it may go', () => {
  it('refuses a prompt link to a loopback server before connecting, and fetches it once its origin is trusted', async () => {
    const s = await serve(sendFile(png(3, 2)));
    expect((await refusal(fetcher().fetch(`${s.origin}/a.png`, IMAGE))).reason).toBe('not_https');
    expect((await refusal(fetcher().fetch(`https://127.0.0.1:${s.port}/a.png`, IMAGE))).reason).toBe('blocked_address');
    expect((await refusal(fetcher().fetch(`https://[::ffff:127.0.0.1]:${s.port}/a.png`, IMAGE))).reason).toBe('blocked_address');
    expect(s.connections()).toBe(0);

    const file = await fetcher({ trustedOrigins: [`${s.origin}/`] }).fetch(`${s.origin}/a.png`, IMAGE);
    expect(file).toMatchObject({ mimeType: 'image/png', width: 3, height: 2, finalUrl: `${s.origin}/a.png` });
    expect(Buffer.from(file.bytes).equals(png(3, 2))).toBe(true);
    // Trust is per exact origin: the same server under another name is not trusted.
    expect((await refusal(fetcher({ trustedOrigins: [s.origin] }).fetch(`http://localhost:${s.port}/a.png`, IMAGE))).reason).toBe('not_https');
  });

  it('refuses a hostname that resolves to loopback, or to anything non-public among its answers, without connecting', async () => {
    const s = await serve(sendFile(png(3, 2)));
    const loopback = scriptedLookup(['127.0.0.1']);
    const err = await refusal(fetcher({ lookup: loopback }).fetch(`https://evil.test:${s.port}/`, IMAGE));
    expect(err.reason).toBe('blocked_address');
    expect(err.retryable).toBe(false);
    expect(loopback.calls).toEqual(['evil.test']);
    const mixed = scriptedLookup([PUBLIC_IP, '::1']);
    expect((await refusal(fetcher({ lookup: mixed }).fetch(`https://mixed.test:${s.port}/`, IMAGE))).reason).toBe('blocked_address');
    expect(s.connections()).toBe(0);
  });

  it('checks the answer it connects with: a rebinding name (public, then loopback) is resolved and checked again for each connection', async () => {
    const s = await serve(sendFile(png(3, 2)));
    const rebinding = scriptedLookup([PUBLIC_IP], ['127.0.0.1']);
    const f = fetcher({ lookup: rebinding, connectTimeoutMs: 300 });
    // The public answer is the one connected to (unreachable here), so nothing is fetched.
    const first = await refusal(f.fetch(`https://rebind.test:${s.port}/`, IMAGE));
    expect(['timeout', 'network']).toContain(first.reason);
    expect(rebinding.calls).toHaveLength(1);
    // The next connection asks DNS again and meets the loopback answer at connect time.
    expect((await refusal(f.fetch(`https://rebind.test:${s.port}/`, IMAGE))).reason).toBe('blocked_address');
    expect(rebinding.calls).toHaveLength(2);
    expect(s.connections()).toBe(0);
  });

  it('refuses plain http to a public, untrusted origin before resolving or connecting', async () => {
    const lookup = scriptedLookup([PUBLIC_IP]);
    const err = await refusal(fetcher({ lookup }).fetch('http://public.test/cat.png', IMAGE));
    expect(err.reason).toBe('not_https');
    expect(lookup.calls).toEqual([]);
    expect((await refusal(fetcher({ lookup }).fetch('file:///etc/passwd', IMAGE))).reason).toBe('not_https');
    expect((await refusal(fetcher({ lookup }).fetch('not a url', IMAGE))).reason).toBe('not_https');
  });

  it('re-checks every redirect hop: a trusted server cannot bounce the fetch to an untrusted loopback port', async () => {
    const target = await serve(sendFile(png(3, 2)));
    const hops: Record<string, string> = {
      '/plain': `http://127.0.0.1:${target.port}/`,
      '/tls': `https://127.0.0.1:${target.port}/`,
      '/name': `https://evil.test:${target.port}/`,
      '/metadata': 'https://169.254.169.254/latest/meta-data/',
    };
    const s = await serve((req, res) => res.writeHead(302, { location: hops[req.url ?? ''] }).end());
    const f = fetcher({ trustedOrigins: [s.origin], lookup: scriptedLookup(['127.0.0.1']) });
    expect((await refusal(f.fetch(`${s.origin}/plain`, IMAGE))).reason).toBe('not_https');
    expect((await refusal(f.fetch(`${s.origin}/tls`, IMAGE))).reason).toBe('blocked_address');
    expect((await refusal(f.fetch(`${s.origin}/name`, IMAGE))).reason).toBe('blocked_address');
    expect((await refusal(f.fetch(`${s.origin}/metadata`, IMAGE))).reason).toBe('blocked_address');
    expect(s.requests).toHaveLength(4);
    expect(target.connections()).toBe(0);
  });

  it('follows at most 3 redirects', async () => {
    const s = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      if (n > 0) res.writeHead(302, { location: `/${n - 1}` }).end();
      else sendFile(png(3, 2))(req, res);
    });
    const f = fetcher({ trustedOrigins: [s.origin] });
    expect((await f.fetch(`${s.origin}/3`, IMAGE)).finalUrl).toBe(`${s.origin}/0`);
    const err = await refusal(f.fetch(`${s.origin}/4`, IMAGE));
    expect(err.reason).toBe('too_many_redirects');
    expect(s.requests).toHaveLength(4 + 4);
  });

  it('sends headers only to the authorized origin and drops them for good once a redirect leaves it', async () => {
    const b = await serve((req, res) => res.writeHead(302, { location: `${a.origin}/file` }).end());
    const a: TestServer = await serve((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: '/again' }).end();
      else if (req.url === '/again') res.writeHead(302, { location: `${b.origin}/bounce` }).end();
      else sendFile(png(3, 2))(req, res);
    });
    const headers = { authorization: 'Bearer s3cret', 'x-api-key': 'k3y' };
    const f = fetcher({ trustedOrigins: [a.origin, b.origin] });
    // Even with every origin authorized, the bounce A → B → A brings nothing back.
    const file = await f.fetch(`${a.origin}/start`, { ...IMAGE, headers, authorizedOrigin: () => true });
    expect(file.finalUrl).toBe(`${a.origin}/file`);
    expect(a.requests.map((h) => h.authorization)).toEqual(['Bearer s3cret', 'Bearer s3cret', undefined]);
    expect(b.requests.map((h) => h.authorization ?? h['x-api-key'])).toEqual([undefined]);
    // Not authorized: never sent at all.
    await f.fetch(`${a.origin}/file`, { ...IMAGE, headers, authorizedOrigin: (u) => u.origin === b.origin });
    expect(a.requests.at(-1)?.authorization).toBeUndefined();
    // Userinfo in a link is dropped, not turned into credentials or echoed back.
    const withUserinfo = await f.fetch(`http://user:pa55@127.0.0.1:${a.port}/file`, IMAGE);
    expect(withUserinfo.finalUrl).toBe(`${a.origin}/file`);
    expect(a.requests.at(-1)?.authorization).toBeUndefined();
    const refused = await refusal(fetcher().fetch(`https://user:pa55@127.0.0.1:${a.port}/`, { ...IMAGE, headers, authorizedOrigin: () => true }));
    expect(`${refused.message} ${refused.userMessage}`).not.toMatch(/pa55|s3cret|k3y/);
  });
});

describe('safe fetch: size, time and status', () => {
  it('cuts a body without Content-Length as soon as it passes maxBytes, closing the connection mid-stream', async () => {
    const slow = slowBody(4 * 1024 * 1024);
    const s = await serve(slow.handler);
    const err = await refusal(fetcher({ trustedOrigins: [s.origin] }).fetch(`${s.origin}/big`, IMAGE));
    expect(err.reason).toBe('too_large');
    expect(err.retryable).toBe(false);
    expect((await slow.closed).written).toBeLessThan(1024 * 1024);
  });

  it('refuses on a Content-Length over the limit before reading the body', async () => {
    const slow = slowBody(4 * 1024 * 1024, { 'content-length': 4 * 1024 * 1024 });
    const s = await serve(slow.handler);
    expect((await refusal(fetcher({ trustedOrigins: [s.origin] }).fetch(`${s.origin}/big`, IMAGE))).reason).toBe('too_large');
    expect((await slow.closed).written).toBeLessThan(MAX);
  });

  it('never takes more than a lying Content-Length, and refuses a body shorter than it claims', async () => {
    const image = png(3, 2);
    const server = net.createServer((socket) => {
      socket.once('data', (req) => {
        // /short claims 50 kB and sends a few bytes; /long claims the PNG's length and keeps going.
        const claim = req.toString().startsWith('GET /short') ? 50_000 : image.length;
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: ${claim}\r\n\r\n`);
        socket.write(image);
        if (claim !== image.length) return void socket.end();
        socket.write(Buffer.alloc(MAX * 4));
      });
    });
    const { port } = await listen(server);
    const f = fetcher({ trustedOrigins: [`http://127.0.0.1:${port}`] });
    const file = await f.fetch(`http://127.0.0.1:${port}/long`, IMAGE);
    expect(file.bytes.length).toBe(image.length);
    expect(file).toMatchObject({ mimeType: 'image/png', width: 3, height: 2 });
    const short = await refusal(f.fetch(`http://127.0.0.1:${port}/short`, IMAGE));
    expect(short).toMatchObject({ reason: 'network', retryable: true });
  });

  it('times out a server that stalls (before headers, mid-body, or dripping past the total), and honours the caller’s abort', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/no-headers') return;
      res.writeHead(200, { 'content-type': 'image/png' }).write(png(1, 1));
      if (req.url === '/drip') {
        const timer = setInterval(() => res.write(Buffer.alloc(1)), 20);
        res.on('close', () => clearInterval(timer));
      }
    });
    const f = fetcher({ trustedOrigins: [s.origin], idleTimeoutMs: 200, totalTimeoutMs: 1500 });
    const never: Resolver = () => new Promise(() => undefined);
    const [noHeaders, midBody, drip, slowDns] = await Promise.all([
      refusal(f.fetch(`${s.origin}/no-headers`, IMAGE)),
      refusal(f.fetch(`${s.origin}/mid-body`, IMAGE)),
      refusal(f.fetch(`${s.origin}/drip`, IMAGE)),
      refusal(fetcher({ lookup: never, connectTimeoutMs: 200 }).fetch('https://slow-dns.test/', IMAGE)),
    ]);
    // The idle timer fired (not the 1.5 s total): undici's own timeout codes.
    expect(noHeaders).toMatchObject({ reason: 'timeout', retryable: true, message: 'timeout: UND_ERR_HEADERS_TIMEOUT' });
    expect(midBody).toMatchObject({ reason: 'timeout', retryable: true, message: 'timeout: UND_ERR_BODY_TIMEOUT' });
    expect(drip).toMatchObject({ reason: 'timeout', retryable: true, message: 'timeout: over 1500 ms in total' });
    expect(slowDns).toMatchObject({ reason: 'timeout', message: 'timeout: UND_ERR_CONNECT_TIMEOUT' });
    // The caller's abort (a cancelled job) comes back as itself, before headers or mid-body.
    for (const path of ['/no-headers', '/mid-body']) {
      const cancelled = new Error('job cancelled');
      const controller = new AbortController();
      setTimeout(() => controller.abort(cancelled), 50);
      await expect(fetcher({ trustedOrigins: [s.origin] }).fetch(`${s.origin}${path}`, { ...IMAGE, signal: controller.signal })).rejects.toBe(cancelled);
    }
  });

  it('marks 408/425/429/5xx retryable and other statuses not, and a refused connection retryable', async () => {
    const s = await serve((req, res) => res.writeHead(Number(req.url?.slice(1))).end('nope'));
    const f = fetcher({ trustedOrigins: [s.origin] });
    for (const [status, retryable] of [[503, true], [500, true], [429, true], [408, true], [425, true], [404, false], [403, false], [400, false], [304, false]] as const) {
      expect(await refusal(f.fetch(`${s.origin}/${status}`, IMAGE))).toMatchObject({ reason: 'http_status', status, retryable });
    }
    const closed = await listen(net.createServer());
    const gone = `http://127.0.0.1:${closed.port}`;
    await cleanups.pop()?.();
    expect(await refusal(fetcher({ trustedOrigins: [gone] }).fetch(`${gone}/`, IMAGE))).toMatchObject({ reason: 'network', retryable: true });
  });

  it('gives users the same sentence for every reason, naming the limit and never a detail', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/stall') return;
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      res.writeHead(req.url === '/404' ? 404 : 200).end(req.url === '/big' ? Buffer.alloc(MAX + 1) : 'hello');
    });
    const closed = await listen(net.createServer());
    const gone = `http://127.0.0.1:${closed.port}`;
    await cleanups.pop()?.();
    const f = fetcher({ trustedOrigins: [s.origin, gone], lookup: scriptedLookup(['10.0.0.1']), idleTimeoutMs: 200 });
    const errors = await Promise.all(
      ['http://public.test/', 'https://internal.test/', `${s.origin}/loop`, `${s.origin}/404`, `${s.origin}/big`, `${s.origin}/stall`, `${gone}/`, `${s.origin}/text`].map((url) =>
        refusal(f.fetch(url, IMAGE)),
      ),
    );
    expect(errors.map((e) => e.reason)).toEqual(['not_https', 'blocked_address', 'too_many_redirects', 'http_status', 'too_large', 'timeout', 'network', 'unsupported_type']);
    expect(new Set(errors.map((e) => e.userMessage))).toEqual(new Set([refusalMessage(MAX)]));
    expect(refusalMessage(MAX)).toBe('I could not use that file. Attach it directly, or link a public image (PNG, JPEG, WebP, GIF, HEIC, AVIF) under 64 KB.');
    expect(refusalMessage(20 * 1024 * 1024)).toBe('I could not use that file. Attach it directly, or link a public image (PNG, JPEG, WebP, GIF, HEIC, AVIF) under 20 MB.');
  });
});

describe('safe fetch: what the bytes are', () => {
  const files: [string, Buffer, { mimeType: string; width?: number; height?: number }][] = [
    ['png', png(3, 2), { mimeType: 'image/png', width: 3, height: 2 }],
    ['jpeg', jpeg(5, 4), { mimeType: 'image/jpeg', width: 5, height: 4 }],
    ['jpeg turned by EXIF', jpeg(5, 4, 6), { mimeType: 'image/jpeg', width: 4, height: 5 }],
    ['webp', webp(7, 6), { mimeType: 'image/webp', width: 7, height: 6 }],
    ['gif', gif(9, 8), { mimeType: 'image/gif', width: 9, height: 8 }],
    ['avif', isoImage('avif', ['avif', 'mif1', 'miaf'], [11, 10]), { mimeType: 'image/avif', width: 11, height: 10 }],
    ['avif under the generic mif1 brand', isoImage('mif1', ['mif1', 'avif', 'miaf'], [13, 12]), { mimeType: 'image/avif', width: 13, height: 12 }],
    ['heic with a tile size before the picture size', isoImage('heic', ['mif1', 'heic'], [512, 512], [4032, 3024]), { mimeType: 'image/heic', width: 4032, height: 3024 }],
  ];

  it.each(files)('sniffs %s from the bytes, whatever the Content-Type says', async (_name, body, expected) => {
    const s = await serve(sendFile(body, 'text/html'));
    const file = await fetcher({ trustedOrigins: [s.origin] }).fetch(`${s.origin}/f`, IMAGE);
    expect({ mimeType: file.mimeType, width: file.width, height: file.height }).toEqual(expected);
  });

  it('accepts video only when asked, anything only for "any", and names files by type', async () => {
    const s = await serve((req, res) => sendFile(req.url === '/mp4' ? mp4() : Buffer.from('<svg/> hello'), 'image/png')(req, res));
    const f = fetcher({ trustedOrigins: [s.origin] });
    expect((await refusal(f.fetch(`${s.origin}/mp4`, IMAGE))).reason).toBe('unsupported_type');
    expect(await f.fetch(`${s.origin}/mp4`, { maxBytes: MAX, accept: 'image-or-video' })).toMatchObject({ mimeType: 'video/mp4' });
    expect((await refusal(f.fetch(`${s.origin}/text`, { maxBytes: MAX, accept: 'image-or-video' }))).reason).toBe('unsupported_type');
    expect(await f.fetch(`${s.origin}/text`, { maxBytes: MAX, accept: 'any' })).toMatchObject({ mimeType: 'application/octet-stream' });
    expect(['image/jpeg', 'image/avif', 'image/heic', 'video/mp4', 'text/plain'].map(extensionFor)).toEqual(['jpg', 'avif', 'heic', 'mp4', 'bin']);
  });
});
