/**
 * Real result bytes for the simulator: PNG images drawn in code at the size the status card
 * announces (colours from the prompt and seed), and real MP4s of the requested shape that can be
 * padded with a top-level `free` box to any size (still a valid MP4) to exercise upload limits.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/**
 * A width×height RGB PNG, drawn from `seedText` (a diagonal gradient and a soft "sun" whose
 * colours and place come from its hash), so different prompts, seeds and images look different.
 * Each row uses PNG's Sub filter: a smooth picture becomes runs of tiny deltas that deflate
 * compresses fast (a 1360×768 image encodes in a few tens of milliseconds).
 */
export function renderPng(width: number, height: number, seedText: string): Buffer {
  const h = createHash('sha256').update(seedText).digest();
  const a = [h[0]!, h[1]!, h[2]!];
  const d = [h[3]! - h[0]!, h[4]! - h[1]!, h[5]! - h[2]!];
  const sun = [255 - (h[6]! >> 2), 255 - (h[7]! >> 2), 255 - (h[8]! >> 1)];
  const cx = (0.2 + 0.6 * (h[9]! / 255)) * width;
  const cy = (0.2 + 0.5 * (h[10]! / 255)) * height;
  const r = (0.1 + 0.15 * (h[11]! / 255)) * Math.min(width, height);
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height);
  // The gradient is linear in x and y: walked in 16.16 fixed point, one addition per channel and pixel.
  const FIX = 65536;
  const wx = 1 / Math.max(1, width - 1) / 2;
  const wy = 1 / Math.max(1, height - 1) / 2;
  const sr = Math.round(d[0]! * wx * FIX);
  const sg = Math.round(d[1]! * wx * FIX);
  const sb = Math.round(d[2]! * wx * FIX);
  for (let y = 0; y < height; y++) {
    const ty = y * wy;
    let vr = Math.round((a[0]! + d[0]! * ty + 0.5) * FIX);
    let vg = Math.round((a[1]! + d[1]! * ty + 0.5) * FIX);
    let vb = Math.round((a[2]! + d[2]! * ty + 0.5) * FIX);
    const dy = y - cy;
    // Only the columns the sun (plus its soft edge) crosses on this row need the distance.
    const reach = (r + 2) * (r + 2) - dy * dy;
    const half = reach > 0 ? Math.sqrt(reach) : -1;
    const x0 = half < 0 ? width : Math.max(0, Math.floor(cx - half));
    const x1 = half < 0 ? width : Math.min(width, Math.ceil(cx + half));
    let p = y * row;
    raw[p++] = 1; // filter: Sub (each byte minus the one a pixel to the left)
    let pr = 0;
    let pg = 0;
    let pb = 0;
    for (let x = 0; x < width; x++, vr += sr, vg += sg, vb += sb) {
      let R = vr >> 16;
      let G = vg >> 16;
      let B = vb >> 16;
      if (x >= x0 && x < x1) {
        const dx = x - cx;
        // Anti-aliased edge: full inside, fading over two pixels.
        const inside = Math.min(1, Math.max(0, (r - Math.sqrt(dx * dx + dy * dy)) / 2));
        R = (R + (sun[0]! - R) * inside) | 0;
        G = (G + (sun[1]! - G) * inside) | 0;
        B = (B + (sun[2]! - B) * inside) | 0;
      }
      raw[p++] = (R - pr) & 0xff;
      raw[p++] = (G - pg) & 0xff;
      raw[p++] = (B - pb) & 0xff;
      pr = R;
      pg = G;
      pb = B;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 2 })), chunk('IEND', Buffer.alloc(0))]);
}

/** The longest side a simulated result gets: big enough to look like one, small enough to draw at once. */
export const MAX_RESULT_SIDE = 1536;
const RESULT_PIXELS = 1024 * 1024;

const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));

function parseAspect(aspect: string | undefined): { w: number; h: number } | undefined {
  const m = aspect ? /^(\d+):(\d+)$/.exec(aspect) : null;
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) return undefined;
  const w = Number(m[1]);
  const h = Number(m[2]);
  const d = gcd(w, h);
  return { w: w / d, h: h / d };
}

/** The largest size of exactly ratio w:h with whole sides, at most `pixels` and `cap` on the long side. */
function exactSize(w: number, h: number, pixels: number, cap: number): { width: number; height: number } | undefined {
  const k = Math.min(Math.floor(Math.sqrt(pixels / (w * h))), Math.floor(cap / Math.max(w, h)));
  return k >= 1 ? { width: w * k, height: h * k } : undefined;
}

/**
 * The size a result is rendered at, i.e. what the status card announces: the requested
 * width×height when it fits under MAX_RESULT_SIDE, else that size scaled down keeping the exact
 * ratio; for an aspect ratio (the model picks the pixels), about a megapixel of exactly that ratio.
 */
export function resultSize(width: number | undefined, height: number | undefined, aspect: string | undefined, cap = MAX_RESULT_SIDE): { width: number; height: number } {
  if (width && height) {
    if (Math.max(width, height) <= cap) return { width, height };
    const d = gcd(width, height);
    const exact = exactSize(width / d, height / d, Infinity, cap);
    const scale = cap / Math.max(width, height);
    return exact ?? { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  }
  const ratio = parseAspect(aspect) ?? { w: 1, h: 1 };
  const exact = exactSize(ratio.w, ratio.h, RESULT_PIXELS, cap);
  if (exact) return exact;
  const scale = cap / Math.max(ratio.w, ratio.h);
  return { width: Math.max(1, Math.round(ratio.w * scale)), height: Math.max(1, Math.round(ratio.h * scale)) };
}

/** Fits a requested size into at most `cap` pixels on the long side, keeping the ratio (fast to draw). */
export function previewSize(width: number | undefined, height: number | undefined, aspect: string | undefined, cap = 256): { width: number; height: number } {
  let w = width ?? 1024;
  let hgt = height ?? 1024;
  const m = parseAspect(aspect);
  if (!width && !height && m) {
    w = m.w;
    hgt = m.h;
  }
  const scale = cap / Math.max(w, hgt);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(hgt * scale)) };
}

/**
 * Real H.264 MP4s per aspect ratio, made once by scripts/make-simulator-videos.sh (ffmpeg, see
 * there): a result video has the shape the request asked for. Other ratios get the nearest one.
 */
export const VIDEO_ASSETS = { '16:9': 'video-16x9.mp4', '9:16': 'video-9x16.mp4', '1:1': 'video-1x1.mp4' } as const;
const videos = new Map<string, Buffer>();

/** The asset closest in shape to `aspect` (16:9 when none is asked for, as most video models default). */
export function videoAssetFor(aspect: string | undefined): (typeof VIDEO_ASSETS)[keyof typeof VIDEO_ASSETS] {
  const ratio = parseAspect(aspect?.replace('x', ':')) ?? { w: 16, h: 9 };
  const r = Math.log(ratio.w / ratio.h);
  const near = (Object.keys(VIDEO_ASSETS) as Array<keyof typeof VIDEO_ASSETS>).map((k) => {
    const p = parseAspect(k)!;
    return { k, d: Math.abs(Math.log(p.w / p.h) - r) };
  });
  return VIDEO_ASSETS[near.sort((x, y) => x.d - y.d)[0]!.k];
}

function videoAsset(name: string): Buffer {
  let bytes = videos.get(name);
  if (!bytes) {
    bytes = readFileSync(new URL(`./assets/${name}`, import.meta.url));
    videos.set(name, bytes);
  }
  return bytes;
}

/**
 * A real MP4 of the requested shape, followed by a `free` box of padding when `padBytes` > 0
 * (players skip `free`) to exercise upload limits. Without an aspect: the small 3:2 test sample.
 */
export function renderMp4(padBytes = 0, aspect?: string): Buffer {
  const base = videoAsset(aspect === undefined ? 'sample.mp4' : videoAssetFor(aspect));
  if (padBytes <= 8) return base;
  const header = Buffer.alloc(8);
  header.writeUInt32BE(padBytes, 0);
  header.write('free', 4, 'ascii');
  return Buffer.concat([base, header, Buffer.alloc(padBytes - 8)]);
}
