/**
 * What the simulated Krev accepts, from the docs' parameter tables, and what each request costs
 * (the docs' credit table). Written independently of the client's body builder so a mapping
 * mistake there shows up as a 400 here. Unknown keys are refused: strictness catches typos.
 */
import { z } from 'zod';

const STUDIO_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4'] as const;
const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL');
const id = z.string().min(1);
const imageCount = z.union([z.literal(1), z.literal(2), z.literal(4)]);

export const ImagesBody = z
  .object({
    prompt: z.string().min(1),
    aspect_ratio: z.enum(STUDIO_RATIOS).optional(),
    product_id: id.optional(),
    product_ids: z.array(id).min(1).optional(),
    preset_id: z.string().min(1).optional(),
    hd: z.boolean().optional(),
    image_count: imageCount.optional(),
    reference_images: z.array(httpUrl).optional(),
  })
  .strict();

export const VideosBody = z
  .object({
    prompt: z.string().min(1),
    aspect_ratio: z.enum(STUDIO_RATIOS).optional(),
    duration: z.number().int().min(4).max(15).optional(),
    audio_mode: z.enum(['auto', 'off', 'native']).optional(),
    product_id: id.optional(),
    source_image: httpUrl.refine((u) => !/\.(mp4|mov|webm|m4v)(\?|$)/i.test(u), 'Video URLs are not supported for source_image').optional(),
    preset_id: z.string().min(1).optional(),
  })
  .strict();

export const AdsBody = z
  .object({
    brief: z.string().min(1),
    product_ids: z.array(id).min(1),
    aspect_ratio: z.enum(['1:1', '4:5', '9:16']).optional(),
    image_count: imageCount.optional(),
    style_id: z.string().min(1).optional(),
    inspiration_image: httpUrl.optional(),
    brand_context: z.string().optional(),
  })
  .strict();

export const ProductBody = z
  .object({
    image_url: z.string().regex(/^(https?:\/\/\S+|data:image\/(png|jpe?g|webp);base64,[A-Za-z0-9+/=]+)$/, 'must be a public URL or a base64 data URL'),
    name: z.string().min(1).optional(),
    skip_segmentation: z.boolean().optional(),
  })
  .strict();

export const ChatBody = z
  .object({
    message: z.string().min(1),
    conversation_id: id.optional(),
    product_ids: z.array(id).optional(),
    reference_images: z.array(httpUrl).optional(),
    agent: z.enum(['auto', 'asset', 'discover']).optional(),
  })
  .strict();

/** The docs' credit table. */
export const PRICES = { image: 40, hdImage: 80, adImage: 40, videoSecond: 80, defaultVideoSeconds: 5 } as const;

/** "Meta campaign and account mutation requests return 403" in the chat API. */
export const META_MUTATION = /\b(launch|pause|create|edit|update|delete|publish)\b[^.]*\b(meta|facebook)\b[^.]*\b(campaign|ad ?set|ad account)s?\b/i;

/** An error answer `{success:false, error}` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The parsed body, or a 400 naming the first problem. */
export function parseBody<T extends z.ZodType>(schema: T, json: unknown): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error));
  return parsed.data;
}

/** The first problem of a failed parse, as Krev would word a 400. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid request body';
  if (issue.code === 'unrecognized_keys') return `Unknown parameter(s): ${issue.keys.join(', ')}`;
  const where = issue.path.join('.');
  return where ? `Invalid ${where}: ${issue.message}` : issue.message;
}
