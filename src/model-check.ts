/**
 * Arguments checked against the chosen model, before anything is posted or spent. Every
 * message names the model and what it does accept.
 */
import { sizeForAspectRatio } from './aspect-ratio.js';
import type { ModelInfo } from './catalog.js';
import type { CommandArgs } from './command.js';
import { UserError } from './errors.js';
import { GenerationRequest, type GenerationInput, type ProviderId } from './generation.js';
import { closest } from './suggest.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function unknownModelError(modelId: string, knownIds: string[]): UserError {
  const near = closest(modelId, knownIds, 3);
  const fallback = knownIds.filter((id) => id.split('/')[0] === modelId.split('/')[0]).slice(0, 3);
  const list = (near.length > 0 ? near : fallback).map((id) => `\`${id}\``).join(', ');
  return new UserError('unknown_model', `There is no model \`${modelId}\`.${list ? ` Closest: ${list}.` : ''} See them all with \`<cmd:models>\`.`);
}

export function checkModelKind(model: ModelInfo, wanted: 'image' | 'video'): void {
  if (model.kind === wanted) return;
  if (wanted === 'video') {
    throw new UserError('bad_value', `\`${model.id}\` makes ${model.kind === 'enhance' ? 'upscales' : 'images'}, not videos. Pick a video model, for example \`video/google/veo-3.1-fast\`.`);
  }
  throw new UserError('bad_value', `\`${model.id}\` makes videos; add \`<flag:video>\`, or pick an image model such as \`image/bfl/flux-1-dev\`.`);
}

function checkAspect(args: CommandArgs, model: ModelInfo): Pick<GenerationRequest, 'aspectRatio' | 'width' | 'height'> {
  const ratio = str(args['aspect_ratio']);
  const { aspectRatios, size } = model.params;
  if (ratio) {
    if (aspectRatios) {
      if (!aspectRatios.includes(ratio)) {
        throw new UserError('bad_value', `\`<flag:ar ${ratio}>\` isn't available for \`${model.id}\`. Choose one of: ${aspectRatios.join(', ')}.`);
      }
      return { aspectRatio: ratio };
    }
    if (size) {
      const dims = sizeForAspectRatio(ratio, size);
      if (!dims) {
        throw new UserError('bad_value', `\`<flag:ar ${ratio}>\` doesn't fit \`${model.id}\` (width ${size.width.min ?? 1}–${size.width.max ?? '∞'}, height ${size.height.min ?? 1}–${size.height.max ?? '∞'}).`);
      }
      return dims;
    }
    throw new UserError('bad_value', `\`${model.id}\` doesn't take an aspect ratio; leave out \`<flag:ar>\`.`);
  }
  if (size?.required && !aspectRatios) return sizeForAspectRatio('1:1', size) ?? {};
  return {};
}

function checkDuration(args: CommandArgs, model: ModelInfo): number | undefined {
  const duration = num(args['duration']);
  if (duration === undefined) return undefined;
  if (model.kind !== 'video') throw new UserError('bad_value', '`<flag:duration>` is for videos: add `<flag:video>`.');
  const allowed = model.params.durations;
  if (Array.isArray(allowed)) {
    if (!allowed.includes(duration)) throw new UserError('bad_value', `\`<flag:duration ${duration}>\` isn't available for \`${model.id}\`. Choose one of: ${allowed.join(', ')} (seconds).`);
  } else if (allowed) {
    if ((allowed.min !== undefined && duration < allowed.min) || (allowed.max !== undefined && duration > allowed.max)) {
      throw new UserError('bad_value', `\`<flag:duration>\` for \`${model.id}\` must be from ${allowed.min ?? 1} to ${allowed.max ?? '…'} seconds.`);
    }
  } else {
    throw new UserError('bad_value', `\`${model.id}\` has a fixed length; leave out \`<flag:duration>\`.`);
  }
  return duration;
}

function checkInputs(model: ModelInfo, inputs: GenerationInput[]): void {
  const { max, required } = model.params.imageInputs;
  const images = inputs.length;
  if (required && images === 0) throw new UserError('missing_value', `\`${model.id}\` needs an input image: attach one or paste an image link.`);
  if (images > max) {
    if (max === 0) throw new UserError('bad_value', `\`${model.id}\` doesn't take input images. Pick a model that does, or send the prompt alone.`);
    throw new UserError('bad_value', `\`${model.id}\` takes at most ${plural(max, 'input image')}; you gave ${images}.`);
  }
}

export function buildGenerationRequest(
  args: CommandArgs,
  model: ModelInfo,
  extra: { provider: ProviderId; inputs: GenerationInput[] },
): GenerationRequest {
  const prompt = str(args['prompt']) ?? '';
  const { params } = model;
  if (params.prompt.required && prompt === '') throw new UserError('missing_value', `\`${model.id}\` needs a prompt: describe what you want.`);
  if (params.prompt.maxLength !== undefined && prompt.length > params.prompt.maxLength) {
    throw new UserError('bad_value', `Your prompt is ${prompt.length.toLocaleString('en-US')} characters; \`${model.id}\` takes at most ${params.prompt.maxLength.toLocaleString('en-US')}.`);
  }
  const unsupported = (flag: string) => new UserError('bad_value', `\`${flag}\` isn't supported by \`${model.id}\`.`);
  const seed = num(args['seed']);
  if (seed !== undefined && !params.seed) throw unsupported('<flag:seed>');
  const negativePrompt = str(args['negative_prompt']);
  if (negativePrompt && !params.negativePrompt) throw unsupported('<flag:no>');
  const styleId = str(args['style']);
  if (styleId && !params.styles) throw unsupported('<flag:style>');
  const resolution = str(args['resolution']);
  if (resolution && !params.resolutions?.includes(resolution)) {
    throw new UserError('bad_value', params.resolutions ? `\`<flag:resolution ${resolution}>\` isn't available for \`${model.id}\`. Choose one of: ${params.resolutions.join(', ')}.` : `\`${model.id}\` has no resolution setting; leave out \`<flag:resolution>\`.`);
  }
  checkInputs(model, extra.inputs);
  const durationSeconds = checkDuration(args, model);

  return GenerationRequest.parse({
    provider: extra.provider,
    modelId: model.id,
    kind: model.kind,
    prompt,
    count: num(args['count']) ?? 1,
    inputs: extra.inputs,
    params: resolution ? { resolution } : {},
    ...checkAspect(args, model),
    ...(seed !== undefined ? { seed } : {}),
    ...(negativePrompt ? { negativePrompt } : {}),
    ...(styleId ? { styleId } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
  });
}

/** Fields through which a model takes an image to work from (not only as a style reference). */
const DIRECT_IMAGE_FIELDS = /^(image_url|image_urls|images?|input_images?|init_image_url|reference_images)$/;
/**
 * The one strength field whose meaning is documented well enough to map honestly: a 0–1
 * denoising strength (0 keeps the image, 1 ignores it). Krea's flux `strength` has no range or
 * description, so it is not guessed at.
 */
const DENOISING_FIELD = 'denoising_strength';
export const VARY_STRENGTHS = { subtle: 0.35, strong: 0.75 } as const;
export type VaryStrength = keyof typeof VARY_STRENGTHS;

type SchemaProps = Record<string, { minimum?: number; maximum?: number } | undefined>;
const propsOf = (model: ModelInfo): SchemaProps | undefined => (model.inputSchema as { properties?: SchemaProps } | undefined)?.properties;

/** What Vary can honestly do with a model: from an image (with strengths when documented), and whether seeds exist. */
export function varyOptionsOf(model: ModelInfo | undefined): { fromImage: boolean; strengths: boolean; seed: boolean } {
  if (!model) return { fromImage: false, strengths: false, seed: true };
  const props = propsOf(model);
  const direct = props ? Object.keys(props).some((k) => DIRECT_IMAGE_FIELDS.test(k)) : true;
  const fromImage = model.kind === 'image' && model.params.imageInputs.max >= 1 && direct;
  const denoise = props?.[DENOISING_FIELD];
  const strengths = fromImage && !!denoise && (denoise.minimum ?? 0) <= VARY_STRENGTHS.subtle && (denoise.maximum ?? 1) >= VARY_STRENGTHS.strong;
  return { fromImage, strengths, seed: model.params.seed };
}

/** The model parameters a subtle or strong Vary sets (empty when the model has no documented strength). */
export function varyParams(model: ModelInfo, strength: VaryStrength | undefined): Record<string, number> {
  if (!strength || !varyOptionsOf(model).strengths) return {};
  return { [DENOISING_FIELD]: VARY_STRENGTHS[strength] };
}

/** A seed for a model that takes one, when none was given: every card can show how to reproduce it. */
export function withSeed(request: GenerationRequest, model: ModelInfo, randomSeed: () => number): GenerationRequest {
  if (!model.params.seed || request.seed !== undefined) return request;
  return { ...request, seed: randomSeed() };
}
