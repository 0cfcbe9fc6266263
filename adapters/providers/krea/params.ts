/** Krea input schema (JSON Schema) → the neutral ModelParams the parser and validators read. */
import type { ModelInfo, ModelParams, NumberRange } from '../../../src/catalog.js';
import type { KreaModelSpec } from './openapi.js';

type Schema = { type?: unknown; enum?: unknown[]; minimum?: number; maximum?: number; maxLength?: number; items?: Schema; properties?: Record<string, Schema>; required?: string[] };

const range = (s: Schema | undefined): NumberRange => ({ ...(s?.minimum !== undefined ? { min: s.minimum } : {}), ...(s?.maximum !== undefined ? { max: s.maximum } : {}) });

/** Fields that take input images, and how many each holds. */
export const IMAGE_FIELDS = ['image_url', 'image_urls', 'style_images', 'image_style_references', 'reference_images', 'character_reference_images'] as const;

// Krea publishes no average time for some models; these per-kind guesses only shape the ETA and the first poll.
const DEFAULT_AVERAGE_SECONDS = { image: 20, enhance: 30, video: 120 } as const;

export function toModelParams(spec: KreaModelSpec): ModelParams {
  const schema = spec.inputSchema as Schema;
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const durations = props['duration'];
  let imageMax = 0;
  for (const f of IMAGE_FIELDS) {
    if (!props[f]) continue;
    imageMax += props[f]!.type === 'array' || (Array.isArray(props[f]!.type) && (props[f]!.type as unknown[]).includes('array')) ? 3 : 1;
  }
  if (props['start_image']) imageMax = Math.max(imageMax, 1);
  return {
    prompt: { required: required.has('prompt'), ...(props['prompt']?.maxLength !== undefined ? { maxLength: props['prompt'].maxLength } : {}) },
    ...(Array.isArray(props['aspect_ratio']?.enum) ? { aspectRatios: props['aspect_ratio']!.enum!.map(String) } : {}),
    ...(props['width'] && props['height'] ? { size: { width: range(props['width']), height: range(props['height']), required: required.has('width') || required.has('height') } } : {}),
    ...(durations ? { durations: Array.isArray(durations.enum) ? durations.enum.map(Number) : range(durations) } : {}),
    ...(Array.isArray(props['resolution']?.enum) ? { resolutions: props['resolution']!.enum!.map(String) } : {}),
    seed: !!props['seed'],
    negativePrompt: !!props['negative_prompt'],
    styles: !!props['styles'],
    imageInputs: { max: Math.min(imageMax, 3), required: IMAGE_FIELDS.some((f) => required.has(f)) || required.has('start_image') },
    startImage: !!props['start_image'],
  };
}

export function toModelInfo(spec: KreaModelSpec): ModelInfo {
  return {
    id: spec.id,
    provider: 'krea',
    kind: spec.kind,
    name: spec.summary,
    description: spec.description.split('\n')[0]?.trim() || undefined,
    averageSeconds: spec.averageSeconds ?? DEFAULT_AVERAGE_SECONDS[spec.kind],
    ...(spec.computeUnits !== undefined ? { computeUnits: spec.computeUnits } : {}),
    deprecated: spec.deprecated,
    params: toModelParams(spec),
    inputSchema: spec.inputSchema,
  };
}
