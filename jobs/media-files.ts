/** Naming and sniffing of media bytes: what a file is, by its first bytes, not by its URL. */
import type { MediaFile, MediaRef } from '../src/model.js';

export function sniffMime(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 16));
  if (b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b.subarray(0, 4).toString('ascii') === 'RIFF' && b.subarray(8, 12).toString('ascii') === 'WEBP') return 'image/webp';
  if (b.subarray(0, 3).toString('ascii') === 'GIF') return 'image/gif';
  if (b.subarray(4, 8).toString('ascii') === 'ftyp') return /hei|mif/.test(b.subarray(8, 12).toString('ascii')) ? 'image/heic' : 'video/mp4';
  if (b.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))) return 'video/webm';
  return undefined;
}

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif', 'image/heic': 'heic', 'video/mp4': 'mp4', 'video/webm': 'webm' };

/** Width and height from a PNG header, so Upscale knows the size it starts from. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (sniffMime(bytes) !== 'image/png' || bytes.length < 24) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, 24);
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

/** A file name people can recognise: the prompt's first words, then the result number. */
export function fileNameFor(prompt: string, index: number, ext: string): string {
  const words = prompt
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-[^-]*$/, (tail) => (tail.length > 1 ? tail : ''));
  return `${words || 'genbot'}-${index + 1}.${ext}`;
}

/** What a screen reader says for a result (uploads and the status card): the prompt. */
export function altText(request: { prompt: string; kind: string }): string {
  const prompt = request.prompt.trim();
  return (prompt || (request.kind === 'video' ? 'Generated video' : 'Generated image')).slice(0, 1000);
}

export function outputFile(bytes: Uint8Array, prompt: string, index: number, declared?: string): MediaFile {
  const mimeType = sniffMime(bytes) ?? declared ?? 'application/octet-stream';
  return { name: fileNameFor(prompt, index, EXT[mimeType] ?? 'bin'), mimeType, bytes };
}

/** The output as delivered: its real size, type and (from the fetched file) dimensions. */
export function withSize(media: MediaRef, file: MediaFile): MediaRef {
  const size = file.width && file.height ? { width: file.width, height: file.height } : pngSize(file.bytes);
  const mimeType = file.mimeType !== 'application/octet-stream' ? file.mimeType : (sniffMime(file.bytes) ?? media.mimeType);
  return { ...media, sizeBytes: file.bytes.length, ...(mimeType ? { mimeType } : {}), ...(size ?? {}) } as MediaRef;
}
