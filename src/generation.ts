/**
 * What a generation is, from request to outcome. `GenerationJob` is the BullMQ job data: it is
 * validated with zod whenever a worker reads it (it crosses a process boundary) and is versioned
 * so an old job left in Redis by a previous release is recognised rather than misread.
 */
import { z } from 'zod';
import { Actor, ConversationRef, MediaKind, MediaRef, MessageRef, WorkspaceRef } from './model.js';

export const ProviderId = z.enum(['krea', 'krev', 'kpainter']);
export type ProviderId = z.infer<typeof ProviderId>;

/** An input image (or video) and what the model should do with it. */
export const GenerationInput = z.object({
  role: z.enum(['image', 'start_image', 'end_image', 'style', 'reference']),
  media: MediaRef,
});
export type GenerationInput = z.infer<typeof GenerationInput>;

/** The neutral request: what the user asked for, already validated against the model. */
export const GenerationRequest = z.object({
  provider: ProviderId,
  modelId: z.string().min(1),
  kind: MediaKind,
  prompt: z.string(),
  negativePrompt: z.string().optional(),
  aspectRatio: z.string().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** How many outputs; providers that make one per job get `count` jobs. */
  count: z.number().int().min(1).max(4).default(1),
  seed: z.number().int().nonnegative().optional(),
  durationSeconds: z.number().positive().optional(),
  styleId: z.string().optional(),
  inputs: z.array(GenerationInput).default([]),
  /** Further model-specific fields that already passed the model's input schema (e.g. resolution). */
  params: z.record(z.string(), z.unknown()).default({}),
});
export type GenerationRequest = z.infer<typeof GenerationRequest>;

/**
 * A provider's handle on one submitted job: opaque to everyone but the provider, JSON-safe.
 * Stored in the job data as soon as the provider answers, so a restarted worker resumes it.
 */
export const Operation = z
  .object({
    providerJobId: z.string().min(1),
    modelId: z.string(),
    submittedAt: z.number(),
  })
  .catchall(z.unknown());
export type Operation = z.infer<typeof Operation>;

/**
 * What a job costs, in the provider's own unit (Krea: compute units, Krev: credits, KPainter:
 * whatever its catalog states). Units differ between providers, so amounts are only ever added
 * up per provider and unit; `usd` is set only where the provider publishes a conversion.
 */
export const CostUnit = z.enum(['usd', 'credits', 'compute_units']);
export type CostUnit = z.infer<typeof CostUnit>;
export const Cost = z.object({
  amount: z.number().nonnegative(),
  unit: CostUnit,
  usd: z.number().nonnegative().optional(),
});
export type Cost = z.infer<typeof Cost>;

/** A neutral view of a provider job's state. */
export type ProviderStatus =
  | { state: 'queued'; providerState: string; position?: number }
  | {
      state: 'running';
      providerState: string;
      /** Real progress reported by the provider (0-100); absent when the provider has none. */
      percent?: number;
      /** Seconds left, when the provider estimates it. */
      etaSeconds?: number;
      previewUrls?: string[];
    }
  | {
      state: 'succeeded';
      providerState: string;
      outputs: MediaRef[];
      /** What the provider says it charged, when it says. */
      cost?: Cost;
      /** Text that belongs with the outputs (Krev ad copy, an agent's answer), neutral markdown. */
      text?: string;
    }
  | {
      state: 'failed';
      providerState: string;
      /** Short, user-facing. */
      reason: string;
      retryable: boolean;
      /** Krea does not bill failed jobs; providers say so when they know. */
      billed: boolean;
    }
  | { state: 'cancelled'; providerState: string };

export const JobStep = z.enum(['submit', 'poll', 'deliver', 'done']);
export type JobStep = z.infer<typeof JobStep>;

export const JobOutcome = z.object({
  state: z.enum(['succeeded', 'failed', 'cancelled']),
  message: z.string().optional(),
  outputs: z.array(MediaRef).default([]),
  cost: Cost.optional(),
  finishedAt: z.number(),
});
export type JobOutcome = z.infer<typeof JobOutcome>;

export const GENERATION_JOB_VERSION = 1;

export const GenerationJob = z.object({
  v: z.literal(GENERATION_JOB_VERSION),
  /** Derived from the invocation id: a redelivered event maps to the same job. */
  id: z.string().min(1),
  workspace: WorkspaceRef,
  requester: Actor,
  request: GenerationRequest,
  /** The status message that shows progress and holds the Cancel button. */
  statusMessage: MessageRef,
  /** Where outputs are delivered (the status message's thread). */
  thread: ConversationRef,
  createdAt: z.number(),
  deadlineAt: z.number(),
  /** Set for Retry / Variations / Upscale / Animate: the job this one came from. */
  parentJobId: z.string().optional(),

  // ---- worker state, written as the job moves ----
  step: JobStep.default('submit'),
  /** Provider URLs of the uploaded inputs (same order as request.inputs), so a re-run does not upload twice. */
  uploadedInputs: z.array(z.string()).optional(),
  /** One per output requested; each stored right after its submit returned. */
  operations: z.array(Operation).default([]),
  polls: z.number().int().default(0),
  /** Retries after retryable provider/platform errors (429, 5xx, timeouts), for backoff and a cap. */
  retries: z.number().int().default(0),
  /** A 422 "invalid asset" gets one fresh upload of the inputs, never more. */
  reuploaded: z.boolean().default(false),
  /** When the provider accepted the job(s): elapsed/ETA count from here. */
  submittedAt: z.number().optional(),
  /** Key of the last status view actually sent, so an unchanged view is never re-sent. */
  lastViewKey: z.string().optional(),
  lastEditAt: z.number().optional(),
  /** Output indices already posted to the thread (deliver is idempotent across re-runs). */
  delivered: z.array(z.number().int()).default([]),
  outcome: JobOutcome.optional(),
});
export type GenerationJob = z.infer<typeof GenerationJob>;
export type NewGenerationJob = z.input<typeof GenerationJob>;

/** Job ids may not contain ':' nor be all digits (BullMQ rules); invocation ids may hold anything. */
export function jobIdFor(invocationId: string): string {
  return 'g-' + invocationId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}
