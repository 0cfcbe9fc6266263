/**
 * What a file really is, from its bytes (never from a Content-Type header or a file name, both
 * of which the sender chooses): file-type for the kind, image-size for the dimensions.
 */
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';

export interface SniffedMedia {
  mimeType: string;
  /** As displayed: EXIF orientations that rotate by 90° swap the stored width and height. */
  width?: number;
  height?: number;
}

export const IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'image/heic',
  'image/heif',
  'image/avif',
]);

export const VIDEO_TYPES: ReadonlySet<string> = new Set(['video/mp4', 'video/webm', 'video/quicktime']);

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/avif': 'avif',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
};

/** The file extension (no dot) to name a file of this type; 'bin' when unknown. */
export function extensionFor(mimeType: string): string {
  return EXTENSIONS[mimeType.toLowerCase()] ?? 'bin';
}

const latin1 = (bytes: Uint8Array, from: number): string => String.fromCharCode(...bytes.subarray(from, from + 4));

/**
 * ISO-BMFF (AVIF, HEIC, MP4) files name what they are in their `ftyp` brands. file-type reads the
 * major brand only, so an AVIF whose major brand is the generic `mif1` would come out as HEIF; the
 * compatible brands settle it.
 */
function isoBrandType(bytes: Uint8Array): string | undefined {
  if (bytes.length < 16 || latin1(bytes, 4) !== 'ftyp') return undefined;
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
  const end = Math.min(bytes.length, boxSize);
  const brands = [latin1(bytes, 8)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(latin1(bytes, at));
  if (brands.some((b) => b === 'avif' || b === 'avis')) return 'image/avif';
  if (brands.some((b) => ['heic', 'heix', 'heim', 'heis'].includes(b))) return 'image/heic';
  if (brands[0] === 'mif1' || brands[0] === 'msf1') return 'image/heif';
  return undefined;
}

function dimensionsOf(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    const size = imageSize(bytes);
    // HEIF lists one size per item (tiles, thumbnails, the grid); the picture is the largest.
    const all = size.images && size.images.length > 0 ? size.images : [size];
    const largest = all.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    if (!(largest.width > 0 && largest.height > 0)) return undefined;
    const turned = size.orientation !== undefined && size.orientation >= 5 && size.orientation <= 8;
    return turned ? { width: largest.height, height: largest.width } : { width: largest.width, height: largest.height };
  } catch {
    return undefined;
  }
}

/** The sniffed type, with dimensions for images image-size can measure; undefined when unknown. */
export async function sniffMedia(bytes: Uint8Array): Promise<SniffedMedia | undefined> {
  // A malformed file is an unknown one, not a crash.
  const detected = await fileTypeFromBuffer(bytes).catch(() => undefined);
  if (!detected) return undefined;
  const mimeType = isoBrandType(bytes) ?? detected.mime;
  if (!mimeType.startsWith('image/')) return { mimeType };
  const size = dimensionsOf(bytes);
  return size ? { mimeType, ...size } : { mimeType };
}
