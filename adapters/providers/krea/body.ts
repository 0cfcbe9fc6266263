/**
 * The snake_case body for `POST /generate/{model}`, built from the neutral request and the
 * model's input schema: only fields the schema has (Krea's schemas reject unknown keys).
 */
import type { ProviderSubmitRequest } from '../../../src/ports.js';

type Props = Record<string, { type?: unknown; items?: { type?: unknown; properties?: Record<string, unknown> } }>;

const isArrayField = (p: Props[string] | undefined) => !!p && (p.type === 'array' || (Array.isArray(p.type) && p.type.includes('array')));

/** Seeds for the n-th of `count` outputs differ, so "--n 4" gives four different images. */
const seedFor = (seed: number, index: number) => (seed + index * 7919) % 4294967296;

export function buildKreaBody(request: ProviderSubmitRequest, inputSchema: unknown): Record<string, unknown> {
  const props: Props = ((inputSchema as { properties?: Props })?.properties ?? {}) as Props;
  const has = (k: string) => k in props;
  const body: Record<string, unknown> = {};
  if (has('prompt') && (request.prompt !== '' || (inputSchema as { required?: string[] }).required?.includes('prompt'))) body['prompt'] = request.prompt;
  if (request.negativePrompt && has('negative_prompt')) body['negative_prompt'] = request.negativePrompt;
  if (request.aspectRatio && has('aspect_ratio')) body['aspect_ratio'] = request.aspectRatio;
  if (request.width && has('width')) body['width'] = request.width;
  if (request.height && has('height')) body['height'] = request.height;
  if (has('seed')) {
    if (request.seed !== undefined) body['seed'] = seedFor(request.seed, request.index);
    else if (request.index > 0) body['seed'] = Math.floor(Math.random() * 4294967295);
  }
  if (request.durationSeconds !== undefined && has('duration')) body['duration'] = request.durationSeconds;
  if (request.styleId && has('styles')) body['styles'] = [{ id: request.styleId, strength: 1 }];

  const images = request.inputs.filter((i) => i.role === 'image').map((i) => i.url);
  const styles = request.inputs.filter((i) => i.role === 'style').map((i) => i.url);
  const refs = request.inputs.filter((i) => i.role === 'reference').map((i) => i.url);
  const start = request.inputs.find((i) => i.role === 'start_image')?.url;
  const end = request.inputs.find((i) => i.role === 'end_image')?.url;
  const leftovers: string[] = [];

  if (images.length > 0) {
    if (has('image_urls')) body['image_urls'] = images;
    else if (has('image_url')) {
      body['image_url'] = images[0];
      leftovers.push(...images.slice(1));
    } else if (has('reference_images')) refs.unshift(...images);
    else if (has('start_image')) body['start_image'] = images[0];
    else leftovers.push(...images);
  }
  if (start) {
    if (has('start_image')) body['start_image'] = start;
    else if (has('image_url')) body['image_url'] = start;
    else leftovers.push(start);
  }
  if (end && has('end_image')) body['end_image'] = end;
  const styleRefs = [...styles, ...leftovers];
  if (styleRefs.length > 0) {
    if (has('style_images')) body['style_images'] = styleRefs.map((url) => ({ url, strength: 1 }));
    else if (has('image_style_references')) body['image_style_references'] = styleRefs.map((url) => ({ url, strength: 1 }));
    else refs.push(...styleRefs);
  }
  if (refs.length > 0 && has('reference_images')) body['reference_images'] = isArrayField(props['reference_images']) ? refs : refs[0];

  for (const [k, v] of Object.entries(request.params)) if (has(k) && v !== undefined) body[k] = v;
  return body;
}
