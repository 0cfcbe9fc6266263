/**
 * The snake_case body for POST /images, /videos or /ads, built from the neutral request. Only
 * documented fields are sent; anything the endpoint cannot take is refused here with the reason
 * (the core checked the common flags already; Krev-only params arrive in `request.params`).
 */
import { z } from 'zod';
import type { ProviderSubmitRequest } from '../../../src/ports.js';
import { KREV_ENDPOINTS, KREV_IMAGE_COUNTS, type KrevEndpoint } from './catalog.js';
import { badRequest } from './errors.js';

/** Krev-only params a caller may put in `request.params`; other keys are not Krev's and are left alone. */
const KrevParams = z
  .object({
    resolution: z.enum(['standard', 'hd']).optional(),
    product_ids: z.array(z.string().min(1)).optional(),
    preset_id: z.string().min(1).optional(),
    audio_mode: z.enum(['auto', 'off', 'native']).optional(),
    style_id: z.string().min(1).optional(),
    brand_context: z.string().min(1).optional(),
  })
  .passthrough();

export interface KrevSubmit {
  endpoint: KrevEndpoint;
  body: Record<string, unknown>;
}

export function buildKrevSubmit(request: ProviderSubmitRequest): KrevSubmit {
  const endpoint = KREV_ENDPOINTS[request.modelId];
  if (!endpoint) throw badRequest(`unknown Krev model ${request.modelId}`, `Krev has no model \`${request.modelId}\`. See the models with \`<cmd:models>\`.`);
  const parsed = KrevParams.safeParse(request.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? 'params';
    throw badRequest(`bad Krev params: ${where}: ${issue?.message}`, `\`${where}\` doesn't fit Krev: ${issue?.message ?? 'invalid value'}.`);
  }
  const params = parsed.data;
  const start = request.inputs.find((i) => i.role === 'start_image')?.url;
  const others = request.inputs.filter((i) => i.role !== 'start_image').map((i) => i.url);
  const products = params.product_ids ?? [];

  if (endpoint === 'videos') {
    if (request.outputs !== 1) throw badRequest(`video submit asked for ${request.outputs} outputs`, 'Krev makes one video per request.');
    if (products.length > 1) throw badRequest('video with several products', 'Krev videos take one product; pick one.');
    // Krev animates one source image; with no start image the first plain image is the one to animate.
    const source = start ?? others[0];
    if (others.length > (start ? 0 : 1)) throw badRequest('video with extra images', 'Krev videos take one start image and no other input images.');
    const duration = request.durationSeconds;
    if (duration !== undefined && (!Number.isInteger(duration) || duration < 4 || duration > 15)) {
      throw badRequest(`video duration ${duration}`, 'Krev videos last a whole number of seconds from 4 to 15.');
    }
    return {
      endpoint,
      body: {
        prompt: request.prompt,
        ...(request.aspectRatio ? { aspect_ratio: request.aspectRatio } : {}),
        ...(duration !== undefined ? { duration } : {}),
        ...(params.audio_mode ? { audio_mode: params.audio_mode } : {}),
        ...(products[0] ? { product_id: products[0] } : {}),
        ...(source ? { source_image: source } : {}),
        ...presetOf(params.preset_id ?? request.styleId),
      },
    };
  }

  const imageCount = request.outputs;
  if (!(KREV_IMAGE_COUNTS as readonly number[]).includes(imageCount)) {
    throw badRequest(`image_count ${imageCount}`, `Krev makes 1, 2 or 4 images per request, not ${imageCount}.`);
  }

  if (endpoint === 'ads') {
    if (products.length === 0) throw badRequest('ad without product ids', 'A Krev ad needs at least one product from your Krev catalog (its product id).');
    if (request.prompt.trim() === '') throw badRequest('ad without a brief', 'A Krev ad needs a brief: describe the ad you want.');
    const images = [...(start ? [start] : []), ...others];
    if (images.length > 1) throw badRequest('ad with several images', 'A Krev ad takes one inspiration image.');
    const style = params.style_id ?? request.styleId;
    return {
      endpoint,
      body: {
        brief: request.prompt,
        product_ids: products,
        ...(request.aspectRatio ? { aspect_ratio: request.aspectRatio } : {}),
        image_count: imageCount,
        ...(style ? { style_id: style } : {}),
        ...(images[0] ? { inspiration_image: images[0] } : {}),
        ...(params.brand_context ? { brand_context: params.brand_context } : {}),
      },
    };
  }

  // Images: Krev takes no seed (a Variations re-run differs anyway) and no negative prompt (refused upstream).
  const references = [...(start ? [start] : []), ...others];
  return {
    endpoint,
    body: {
      prompt: request.prompt,
      ...(request.aspectRatio ? { aspect_ratio: request.aspectRatio } : {}),
      ...(products.length === 1 ? { product_id: products[0] } : {}),
      ...(products.length > 1 ? { product_ids: products } : {}),
      ...presetOf(params.preset_id ?? request.styleId),
      ...(params.resolution === 'hd' ? { hd: true } : {}),
      image_count: imageCount,
      ...(references.length > 0 ? { reference_images: references } : {}),
    },
  };
}

const presetOf = (preset: string | undefined) => (preset ? { preset_id: preset } : {});
