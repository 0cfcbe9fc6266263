/**
 * The simulator's asset store: what `POST /assets` accepts (checked by magic bytes, like Krea
 * rejecting a renamed text file), the pixel size it reports, and the documented asset JSON.
 */
import { randomUUID } from 'node:crypto';

export interface SimAsset {
  id: string;
  bytes: Buffer;
  mime: string;
  width: number | null;
  height: number | null;
  uploadedAt: number;
  description?: string;
}

const ascii = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString('latin1');

/** The MIME type of an accepted upload, from its first bytes; undefined when Krea would refuse it. */
export function sniffMime(b: Buffer): string | undefined {
  if (b.length < 12) return undefined;
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
  if (b.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))) return 'video/webm';
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return 'image/heic';
    if (brand === 'qt  ') return 'video/quicktime';
    return 'video/mp4';
  }
  return undefined;
}

/** Pixel size for PNG, JPEG and WebP (what a client shows); null for others, as the schema allows. */
export function imageSize(b: Buffer, mime: string): { width: number | null; height: number | null } {
  const none = { width: null, height: null };
  try {
    if (mime === 'image/png') return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
    if (mime === 'image/webp') {
      const kind = ascii(b, 12, 16);
      if (kind === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
      if (kind === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
      if (kind === 'VP8L') {
        const bits = b.readUInt32LE(21);
        return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
      }
      return none;
    }
    if (mime === 'image/jpeg') {
      // Walk the markers to the first start-of-frame segment, which holds the size.
      let i = 2;
      while (i + 9 < b.length) {
        if (b[i] !== 0xff) return none;
        const marker = b[i + 1]!;
        if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
        i += 2 + b.readUInt16BE(i + 2);
      }
    }
  } catch {
    // truncated header: size unknown
  }
  return none;
}

export function assetJson(a: SimAsset, baseUrl: string): Record<string, unknown> {
  return {
    id: a.id,
    image_url: `${baseUrl}/assets/${a.id}/file`,
    uploaded_at: new Date(a.uploadedAt).toISOString(),
    width: a.width,
    height: a.height,
    size_bytes: a.bytes.length,
    mime_type: a.mime,
    ...(a.description !== undefined ? { description: a.description } : {}),
  };
}

export type ParsedUpload = { ok: true; asset: SimAsset } | { ok: false; error: string };

/** Parses a multipart/form-data upload (undici's parser) into an asset, or the 400 message Krea gives. */
export async function parseUpload(raw: Buffer, contentType: string, maxBytes: number): Promise<ParsedUpload> {
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return { ok: false, error: 'Expected multipart/form-data with a file field' };
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData().catch(() => undefined);
  const file = form?.get('file');
  if (!file || typeof file === 'string') return { ok: false, error: 'Expected multipart/form-data with a file field' };
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length > maxBytes) return { ok: false, error: `File too large (max ${Math.floor(maxBytes / (1024 * 1024))}MB)` };
  const mime = sniffMime(bytes);
  if (!mime) return { ok: false, error: 'Unsupported file type: expected JPEG, PNG, WebP, HEIC, MP4, MOV or WebM' };
  const description = form?.get('description');
  return {
    ok: true,
    asset: { id: randomUUID(), bytes, mime, ...imageSize(bytes, mime), uploadedAt: Date.now(), ...(typeof description === 'string' ? { description } : {}) },
  };
}
