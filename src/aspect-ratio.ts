/**
 * Aspect ratio to pixel size, for models that take only width and height: about one megapixel
 * for images, sides in multiples of 16 (what diffusion models expect), within the model's ranges.
 */
import type { NumberRange } from './catalog.js';

export function parseRatio(ratio: string): { w: number; h: number } | undefined {
  const m = /^(\d{1,4}):(\d{1,4})$/.exec(ratio.trim());
  if (!m) return undefined;
  const w = Number(m[1]);
  const h = Number(m[2]);
  return w > 0 && h > 0 ? { w, h } : undefined;
}

const MULTIPLE = 16;

export function sizeForAspectRatio(
  ratio: string,
  ranges: { width: NumberRange; height: NumberRange },
  targetPixels = 1024 * 1024,
): { width: number; height: number } | undefined {
  const r = parseRatio(ratio);
  if (!r) return undefined;
  const aspect = r.w / r.h;
  let width = Math.sqrt(targetPixels * aspect);
  let height = width / aspect;
  // Shrink to fit the maxima, then grow to meet the minima, keeping the ratio.
  const maxW = ranges.width.max ?? Infinity;
  const maxH = ranges.height.max ?? Infinity;
  const down = Math.min(1, maxW / width, maxH / height);
  width *= down;
  height *= down;
  const minW = ranges.width.min ?? 1;
  const minH = ranges.height.min ?? 1;
  const up = Math.max(1, minW / width, minH / height);
  width *= up;
  height *= up;
  const snap = (v: number, min: number, max: number) => {
    let s = Math.round(v / MULTIPLE) * MULTIPLE;
    if (s > max) s = Math.floor(max / MULTIPLE) * MULTIPLE;
    if (s < min) s = Math.ceil(min / MULTIPLE) * MULTIPLE;
    return Math.min(Math.max(s, min), max);
  };
  const w = snap(width, minW, maxW);
  const h = snap(height, minH, maxH);
  // A ratio the ranges cannot hold (e.g. 21:9 with both sides ≥ 512 and ≤ 600) is refused.
  if (Math.abs(w / h - aspect) / aspect > 0.08) return undefined;
  return { width: w, height: h };
}
