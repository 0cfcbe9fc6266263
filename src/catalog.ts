/**
 * Models as the product sees them, whatever the provider. A provider client derives `params`
 * from its own schema format; the parser and validators only read `params`.
 */
import { z } from 'zod';
import { MediaKind } from './model.js';
import { ProviderId } from './generation.js';

export const NumberRange = z.object({ min: z.number().optional(), max: z.number().optional() });
export type NumberRange = z.infer<typeof NumberRange>;

export const ModelParams = z.object({
  prompt: z.object({ required: z.boolean(), maxLength: z.number().int().optional() }),
  /** Aspect ratios the model takes as a field, when it has one. */
  aspectRatios: z.array(z.string()).optional(),
  /** Width/height fields, when the model takes them (a 16:9 request becomes a size here). */
  size: z.object({ width: NumberRange, height: NumberRange, required: z.boolean() }).optional(),
  /** Allowed durations in seconds: a list, or a range. */
  durations: z.union([z.array(z.number()), NumberRange]).optional(),
  resolutions: z.array(z.string()).optional(),
  seed: z.boolean(),
  negativePrompt: z.boolean(),
  styles: z.boolean(),
  /** How many input images the model takes (0 = text only) and whether one is required. */
  imageInputs: z.object({ max: z.number().int(), required: z.boolean() }),
  /** A video model that can start from an image. */
  startImage: z.boolean(),
});
export type ModelParams = z.infer<typeof ModelParams>;

export const ModelInfo = z.object({
  id: z.string(),
  provider: ProviderId,
  kind: MediaKind,
  name: z.string(),
  description: z.string().optional(),
  /** Average completion time in seconds, when the provider publishes one: drives ETA and first poll. */
  averageSeconds: z.number().positive().optional(),
  computeUnits: z.number().optional(),
  deprecated: z.boolean(),
  params: ModelParams,
  /** The provider's own input schema (JSON Schema for Krea), for exact validation. */
  inputSchema: z.unknown(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;
