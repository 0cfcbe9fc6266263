/**
 * Real result bytes for the simulator: PNG images drawn in code (a gradient whose colours come
 * from the prompt and seed), and a small real MP4 that can be padded with a top-level `free` box
 * to any size (still a valid MP4) to exercise upload limits.
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

/** A width×height RGB PNG; colours derived from `seedText` so different prompts look different. */
export function renderPng(width: number, height: number, seedText: string): Buffer {
  const h = createHash('sha256').update(seedText).digest();
  const a = [h[0]!, h[1]!, h[2]!];
  const b = [h[3]!, h[4]!, h[5]!];
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0;
    for (let x = 0; x < width; x++) {
      const t = (x / Math.max(1, width - 1) + y / Math.max(1, height - 1)) / 2;
      for (let c = 0; c < 3; c++) raw[y * row + 1 + x * 3 + c] = Math.round(a[c]! * (1 - t) + b[c]! * t);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Fits a requested size into at most `cap` pixels on the long side, keeping the ratio (fast to draw). */
export function previewSize(width: number | undefined, height: number | undefined, aspect: string | undefined, cap = 256): { width: number; height: number } {
  let w = width ?? 1024;
  let hgt = height ?? 1024;
  const m = aspect ? /^(\d+):(\d+)$/.exec(aspect) : null;
  if (!width && !height && m) {
    w = Number(m[1]);
    hgt = Number(m[2]);
  }
  const scale = cap / Math.max(w, hgt);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(hgt * scale)) };
}

let sample: Buffer | undefined;
function sampleMp4(): Buffer {
  sample ??= readFileSync(new URL('./assets/sample.mp4', import.meta.url));
  return sample;
}

/** The sample MP4, followed by a `free` box of padding when `padBytes` > 0 (players skip `free`). */
export function renderMp4(padBytes = 0): Buffer {
  if (padBytes <= 8) return sampleMp4();
  const header = Buffer.alloc(8);
  header.writeUInt32BE(padBytes, 0);
  header.write('free', 4, 'ascii');
  return Buffer.concat([sampleMp4(), header, Buffer.alloc(padBytes - 8)]);
}
