/**
 * Krev's JSON answers as zod schemas. Documented fields are typed; fields the docs only show in
 * one example are optional and nullable, and unknown fields pass through, so a Krev release that
 * adds something does not break polling. The chat run shape is not documented at all (see
 * client.ts): its schema accepts the plausible spellings and the mapper picks what it finds.
 */
import { z } from 'zod';

/** `{success: true, data}`, the envelope of every documented answer. */
export const envelope = <T extends z.ZodType>(data: T) => z.object({ success: z.literal(true), data }).passthrough();

export const KrevAdCopy = z
  .object({
    style_name: z.string().nullish(),
    hook: z.string().nullish(),
    headline: z.string().nullish(),
    body_copy: z.string().nullish(),
    cta: z.string().nullish(),
  })
  .passthrough();
export type KrevAdCopy = z.infer<typeof KrevAdCopy>;

/** POST /images, /videos, /ads: always a generation id; the media too when Krev answers synchronously. */
export const KrevSubmitAnswer = z
  .object({
    generation_id: z.string().min(1),
    status: z.string().nullish(),
    images: z.array(z.string()).nullish(),
    video_url: z.string().nullish(),
    image_count: z.number().nullish(),
    duration: z.number().nullish(),
    credits_used: z.number().nonnegative().nullish(),
    ad_copy: KrevAdCopy.nullish(),
  })
  .passthrough();
export type KrevSubmitAnswer = z.infer<typeof KrevSubmitAnswer>;

export const KrevGenerationState = z.enum(['queued', 'processing', 'succeeded', 'failed']);
export type KrevGenerationState = z.infer<typeof KrevGenerationState>;

const ErrorField = z.union([z.string(), z.object({ message: z.string() }).passthrough()]).nullish();

/** GET /generations/{id}. */
export const KrevGeneration = z
  .object({
    id: z.string(),
    kind: z.string().nullish(),
    status: KrevGenerationState,
    progress: z.number().nullish(),
    output: z.object({ urls: z.array(z.string()).nullish() }).passthrough().nullish(),
    error: ErrorField,
    created_at: z.string().nullish(),
    completed_at: z.string().nullish(),
    // Not documented on this endpoint; read when present.
    credits_used: z.number().nonnegative().nullish(),
    ad_copy: KrevAdCopy.nullish(),
  })
  .passthrough();
export type KrevGeneration = z.infer<typeof KrevGeneration>;

/** GET /credits. */
export const KrevCredits = z
  .object({
    plan: z.string().nullish(),
    plan_name: z.string().nullish(),
    credits: z
      .object({
        current: z.number(),
        limit: z.number().nullish(),
        current_formatted: z.string().nullish(),
        limit_formatted: z.string().nullish(),
      })
      .passthrough(),
    resets_at: z.string().nullish(),
  })
  .passthrough();
export type KrevCredits = z.infer<typeof KrevCredits>;

/** One product of GET /products, or the answer of POST /products. */
export const KrevProductJson = z
  .object({
    id: z.string().min(1),
    name: z.string().nullish(),
    image_url: z.string().nullish(),
    segmented_image_url: z.string().nullish(),
    category: z.string().nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    source: z.string().nullish(),
    created_at: z.string().nullish(),
  })
  .passthrough();
export type KrevProductJson = z.infer<typeof KrevProductJson>;

/** POST /chat. */
export const KrevChatStart = z
  .object({
    conversation_id: z.string().min(1),
    user_message_id: z.string().nullish(),
    assistant_message_id: z.string().nullish(),
    run_id: z.string().min(1),
    job_id: z.string().nullish(),
    status: z.string(),
    poll_url: z.string().nullish(),
  })
  .passthrough();
export type KrevChatStart = z.infer<typeof KrevChatStart>;

const ChatMessage = z
  .object({ role: z.string(), content: z.string().nullish(), text: z.string().nullish(), created_at: z.string().nullish() })
  .passthrough();

const ChatArtifact = z
  .object({
    id: z.string().nullish(),
    type: z.string().nullish(),
    generation_id: z.string().nullish(),
    url: z.string().nullish(),
    urls: z.array(z.string()).nullish(),
    media_urls: z.array(z.string()).nullish(),
    mime_type: z.string().nullish(),
  })
  .passthrough();

const RunState = z.object({ id: z.string().nullish(), status: z.string().nullish(), error: ErrorField }).passthrough();

/**
 * GET /chat/runs/{id}: documented only as "run and job status, latest assistant text, transcript
 * messages, sanitized artifacts, generation IDs, generation records, and signed media URLs".
 * Both a nested `run: {status}` and a flat `status` are accepted.
 */
export const KrevChatRun = z
  .object({
    run: RunState.nullish(),
    job: RunState.nullish(),
    id: z.string().nullish(),
    status: z.string().nullish(),
    error: ErrorField,
    conversation_id: z.string().nullish(),
    latest_assistant_text: z.string().nullish(),
    messages: z.array(ChatMessage).nullish(),
    transcript: z.array(ChatMessage).nullish(),
    artifacts: z.array(ChatArtifact).nullish(),
    generation_ids: z.array(z.string()).nullish(),
    generations: z
      .array(z.object({ id: z.string().nullish(), status: z.string().nullish(), output: z.object({ urls: z.array(z.string()).nullish() }).passthrough().nullish(), credits_used: z.number().nonnegative().nullish() }).passthrough())
      .nullish(),
    media_urls: z.array(z.string()).nullish(),
  })
  .passthrough()
  .refine((r) => typeof (r.run?.status ?? r.status) === 'string', { message: 'chat run without a status' });
export type KrevChatRun = z.infer<typeof KrevChatRun>;
