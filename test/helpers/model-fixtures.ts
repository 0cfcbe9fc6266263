/** Hand-made ModelInfo values shaped like Krea's catalog entries (see test/fixtures/krea-openapi.json). */
import type { ModelInfo } from '../../src/catalog.js';

const base = { provider: 'krea' as const, deprecated: false, inputSchema: {} };

export const flux: ModelInfo = {
  ...base,
  id: 'image/bfl/flux-1-dev',
  kind: 'image',
  name: 'Flux',
  averageSeconds: 7,
  params: {
    prompt: { required: true, maxLength: 1800 },
    size: { width: { min: 512, max: 2368 }, height: { min: 512, max: 2368 }, required: false },
    seed: true,
    negativePrompt: false,
    styles: true,
    imageInputs: { max: 1, required: false },
    startImage: false,
  },
};

export const veoFast: ModelInfo = {
  ...base,
  id: 'video/google/veo-3.1-fast',
  kind: 'video',
  name: 'Veo 3.1 Fast',
  averageSeconds: 120,
  params: {
    prompt: { required: true },
    aspectRatios: ['16:9', '9:16'],
    durations: [4, 6, 8],
    resolutions: ['720p', '1080p', '4K'],
    seed: false,
    negativePrompt: false,
    styles: false,
    imageInputs: { max: 1, required: false },
    startImage: true,
  },
};

export const topaz: ModelInfo = {
  ...base,
  id: 'enhance/topaz/standard-enhance',
  kind: 'enhance',
  name: 'Topaz',
  averageSeconds: 30,
  inputSchema: { properties: { model: { enum: ['Standard V2', 'CGI'] } } },
  params: {
    prompt: { required: false },
    size: { width: { min: 1, max: 32000 }, height: { min: 1, max: 32000 }, required: true },
    seed: true,
    negativePrompt: false,
    styles: false,
    imageInputs: { max: 1, required: true },
    startImage: false,
  },
};

export const allModels = [flux, veoFast, topaz];
