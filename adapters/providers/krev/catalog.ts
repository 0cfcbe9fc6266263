/**
 * Krev's models, written by hand: Krev has no model list, only three generation endpoints and
 * the chat agent. Each ModelInfo names the endpoint it maps to; `inputSchema` is the JSON Schema
 * of that endpoint's documented body (for reference and exact validation). Prices are the
 * documented credit table.
 *
 * The chat agent (`chat/krev/agent`, POST /chat + GET /chat/runs/{id}) is a model too, so a brief
 * runs through the same pipeline as any generation. Its kind is `image`: the neutral kinds are
 * image, video and enhance, and what an agent run delivers is mostly images (plus its text).
 */
import type { ModelInfo } from '../../../src/catalog.js';
import type { Cost, GenerationRequest } from '../../../src/generation.js';

export type KrevEndpoint = 'images' | 'videos' | 'ads';

export const KREV_IMAGE_MODEL = 'image/krev/studio';
export const KREV_VIDEO_MODEL = 'video/krev/studio';
export const KREV_AD_MODEL = 'image/krev/ad';
/** Krev's creative agent: a chat run (POST /chat), not a generation endpoint. */
export const KREV_CHAT_MODEL = 'chat/krev/agent';

export const KREV_ENDPOINTS: Record<string, KrevEndpoint> = {
  [KREV_IMAGE_MODEL]: 'images',
  [KREV_VIDEO_MODEL]: 'videos',
  [KREV_AD_MODEL]: 'ads',
};

/**
 * Documented credit prices: per image (×2 with hd), about 80 per second of video, ads as images.
 *
 * `chatRun` is an assumption, not a published price: Krev's docs price generations but not chat
 * runs. Assumed: the conversation itself costs nothing and the agent's own generations are charged
 * at the prices above; a run usually makes about one standard image (the simulator's runs make
 * exactly one), so a run is estimated at one standard image. The run's poll answer documents no
 * cost either: when its generation records carry `credits_used`, their sum is the real cost;
 * otherwise the ledger keeps this estimate, marked as one.
 */
export const KREV_PRICES = { image: 40, hdImage: 80, adImage: 40, videoSecond: 80, defaultVideoSeconds: 5, chatRun: 40 } as const;

/** Allowed `image_count` values, largest first (for `batches`). */
export const KREV_IMAGE_COUNTS = [4, 2, 1] as const;

const STUDIO_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4'];
const AD_RATIOS = ['1:1', '4:5', '9:16'];
const urlList = { type: 'array', items: { type: 'string', format: 'uri' } };

export const KREV_MODELS: ModelInfo[] = [
  {
    id: KREV_IMAGE_MODEL,
    provider: 'krev',
    kind: 'image',
    name: 'Krev Studio image',
    description: 'Studio-quality product images; product ids and reference images steer the scene.',
    // A guess: the docs' one example took 45 s from created_at to completed_at.
    averageSeconds: 45,
    deprecated: false,
    params: {
      prompt: { required: true },
      aspectRatios: STUDIO_RATIOS,
      resolutions: ['standard', 'hd'],
      seed: false,
      negativePrompt: false,
      styles: true,
      // The docs give no maximum for reference_images; four keeps requests modest.
      imageInputs: { max: 4, required: false },
      startImage: false,
    },
    inputSchema: {
      type: 'object',
      required: ['prompt'],
      properties: {
        prompt: { type: 'string' },
        aspect_ratio: { type: 'string', enum: STUDIO_RATIOS, default: '1:1' },
        product_id: { type: 'string' },
        product_ids: { type: 'array', items: { type: 'string' } },
        preset_id: { type: 'string' },
        hd: { type: 'boolean', default: false },
        image_count: { type: 'integer', enum: [1, 2, 4], default: 1 },
        reference_images: urlList,
      },
    },
  },
  {
    id: KREV_VIDEO_MODEL,
    provider: 'krev',
    kind: 'video',
    name: 'Krev Studio video',
    description: 'Short product or creator-style videos (4–15 s); can animate a start image.',
    // A guess: Krev publishes no video timings.
    averageSeconds: 180,
    deprecated: false,
    params: {
      prompt: { required: true },
      aspectRatios: STUDIO_RATIOS,
      durations: { min: 4, max: 15 },
      seed: false,
      negativePrompt: false,
      styles: true,
      imageInputs: { max: 1, required: false },
      startImage: true,
    },
    inputSchema: {
      type: 'object',
      required: ['prompt'],
      properties: {
        prompt: { type: 'string' },
        aspect_ratio: { type: 'string', enum: STUDIO_RATIOS, default: '16:9' },
        duration: { type: 'integer', minimum: 4, maximum: 15, default: 5 },
        audio_mode: { type: 'string', enum: ['auto', 'off', 'native'], default: 'auto' },
        product_id: { type: 'string' },
        source_image: { type: 'string', format: 'uri' },
        preset_id: { type: 'string' },
      },
    },
  },
  {
    id: KREV_AD_MODEL,
    provider: 'krev',
    kind: 'image',
    name: 'Krev ad creative',
    description: 'Performance ad images plus ad copy for catalog products; the prompt is the creative brief.',
    // A guess: an ad is an image generation plus copywriting.
    averageSeconds: 60,
    deprecated: false,
    params: {
      prompt: { required: true },
      aspectRatios: AD_RATIOS,
      seed: false,
      negativePrompt: false,
      styles: true,
      // One optional inspiration image.
      imageInputs: { max: 1, required: false },
      startImage: false,
    },
    inputSchema: {
      type: 'object',
      required: ['brief', 'product_ids'],
      properties: {
        brief: { type: 'string' },
        product_ids: { type: 'array', items: { type: 'string' }, minItems: 1 },
        aspect_ratio: { type: 'string', enum: AD_RATIOS, default: '4:5' },
        image_count: { type: 'integer', enum: [1, 2, 4], default: 1 },
        style_id: { type: 'string' },
        inspiration_image: { type: 'string', format: 'uri' },
        brand_context: { type: 'string' },
      },
    },
  },
  {
    id: KREV_CHAT_MODEL,
    provider: 'krev',
    kind: 'image',
    name: 'Krev creative agent',
    description: 'Brief Krev’s creative agent: it answers with ideas and copy, and makes images or videos when asked. Products and reference images give it context.',
    // A guess: a run plans, then makes about one image (45 s) on top.
    averageSeconds: 90,
    deprecated: false,
    params: {
      prompt: { required: true },
      seed: false,
      negativePrompt: false,
      styles: false,
      // reference_images: the docs give no maximum; four, like the studio model.
      imageInputs: { max: 4, required: false },
      startImage: false,
    },
    inputSchema: {
      type: 'object',
      required: ['message'],
      properties: {
        message: { type: 'string' },
        conversation_id: { type: 'string' },
        product_ids: { type: 'array', items: { type: 'string' } },
        reference_images: urlList,
        agent: { type: 'string', enum: ['auto', 'asset', 'discover'], default: 'auto' },
      },
    },
  },
];

/** Credits a request will take, from the documented table; undefined for a model Krev does not have. */
export function estimateKrevCredits(request: GenerationRequest): Cost | undefined {
  if (request.modelId === KREV_CHAT_MODEL) return { amount: KREV_PRICES.chatRun * request.count, unit: 'credits' };
  switch (KREV_ENDPOINTS[request.modelId]) {
    case 'images':
      return { amount: (request.params['resolution'] === 'hd' ? KREV_PRICES.hdImage : KREV_PRICES.image) * request.count, unit: 'credits' };
    case 'ads':
      return { amount: KREV_PRICES.adImage * request.count, unit: 'credits' };
    case 'videos':
      return { amount: KREV_PRICES.videoSecond * (request.durationSeconds ?? KREV_PRICES.defaultVideoSeconds) * request.count, unit: 'credits' };
    default:
      return undefined;
  }
}

/** Splits `count` outputs over submits: images and ads in the allowed image_count values, videos one each. */
export function krevBatches(count: number, model: Pick<ModelInfo, 'id' | 'kind'>): number[] {
  if (count <= 0) return [];
  // One video per request; one agent run per submit.
  if (KREV_ENDPOINTS[model.id] === 'videos' || model.kind === 'video' || model.id === KREV_CHAT_MODEL) return Array.from({ length: count }, () => 1);
  const out: number[] = [];
  let left = count;
  for (const size of KREV_IMAGE_COUNTS) {
    while (left >= size) {
      out.push(size);
      left -= size;
    }
  }
  return out;
}
