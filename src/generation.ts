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

/**
 * The steps of a job, in order. `announce` posts the status message (after the job exists, so a
 * failure never leaves a message with a dead Cancel button); `finalize` frees the workspace's slot
 * and makes the final status edit, retried on its own so a rate limit never leaves it stale.
 */
export const JobStep = z.enum(['announce', 'submit', 'poll', 'deliver', 'finalize', 'done']);
export type JobStep = z.infer<typeof JobStep>;

/**
 * A result as the chat platform hosts it after delivery: a Slack file (its id shows it in an image
 * block), a Discord attachment, a playground file. Kept so the final status card can show it.
 */
export const HostedMedia = MediaRef.extend({ fileId: z.string().min(1).max(100).optional() });
export type HostedMedia = z.infer<typeof HostedMedia>;

/** A result: the provider's file, and once delivered, the platform's copy (absent when it went as a link). */
export const OutputMedia = MediaRef.extend({ hosted: HostedMedia.optional() });
export type OutputMedia = z.infer<typeof OutputMedia>;

/** Whether the provider charged for a job, as far as its own state tells. */
export const Charged = z.enum(['no', 'yes', 'unknown']);
export type Charged = z.infer<typeof Charged>;

export const JobOutcome = z.object({
  state: z.enum(['succeeded', 'failed', 'cancelled']),
  message: z.string().optional(),
  outputs: z.array(OutputMedia).default([]),
  cost: Cost.optional(),
  /** "no" only when the provider's own state says the job failed or was cancelled before completing. */
  charged: Charged.default('unknown'),
  /** A short machine-readable reason for operators (metrics, logs, the sweeper): never shown as-is. */
  reason: z.string().optional(),
  /** Text that belongs with the outputs (ad copy, an agent's answer). */
  text: z.string().optional(),
  /** Who pressed Cancel, when someone did. */
  cancelledBy: z.string().optional(),
  finishedAt: z.number(),
});
export type JobOutcome = z.infer<typeof JobOutcome>;

/** Where the status message goes: here (a thread is opened on it), or in the thread of a message. */
export const Placement = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('here'), conversation: ConversationRef }),
  z.object({ kind: z.literal('thread-of'), message: MessageRef }),
]);
export type Placement = z.infer<typeof Placement>;

/** What the provider returned when the job completed, saved once so delivery never asks again. */
export const JobResults = z.object({
  outputs: z.array(OutputMedia),
  cost: Cost.optional(),
  text: z.string().optional(),
});
export type JobResults = z.infer<typeof JobResults>;

/** Version 2 added announce/finalize, placement, submit intents and results; version 1 jobs still run. */
export const GENERATION_JOB_VERSION = 2;

export const GenerationJob = z.object({
  v: z.union([z.literal(1), z.literal(2)]),
  /** Derived from the invocation id: a redelivered event maps to the same job. */
  id: z.string().min(1),
  workspace: WorkspaceRef,
  requester: Actor,
  request: GenerationRequest,
  placement: Placement.optional(),
  /** The status message that shows progress and holds the Cancel button (set by `announce`). */
  statusMessage: MessageRef.optional(),
  /** Where outputs are delivered (the status message's thread). */
  thread: ConversationRef.optional(),
  createdAt: z.number(),
  /** Submitting and polling must end by then; delivering a paid result has its own, longer window. */
  deadlineAt: z.number(),
  /** Set for Retry / Variations / Upscale / Animate: the job this one came from. */
  parentJobId: z.string().optional(),
  /** What the job was expected to cost when it was requested (the provider's published prices). */
  estimate: Cost.optional(),
  /** Set when the estimate was above the workspace's threshold: the requester must confirm before it is sent. */
  confirm: z.object({ expiresAt: z.number(), confirmedAt: z.number().optional() }).optional(),
  /** The 🎬 reaction lock this job holds (its key and the token it was taken with), released when it ends. */
  reactionLock: z.object({ key: z.string(), token: z.string() }).optional(),

  // ---- worker state, written as the job moves ----
  step: JobStep.default('submit'),
  /** Provider URLs of the uploaded inputs (same order as request.inputs), so a re-run does not upload twice. */
  uploadedInputs: z.array(z.string()).optional(),
  /** How the outputs are split over submits, fixed before the first one. */
  batches: z.array(z.number().int().positive()).optional(),
  /** One per batch; each stored right after its submit returned. */
  operations: z.array(Operation).default([]),
  /**
   * A submit whose answer is not known yet: saved before the request is sent, cleared when its
   * operation is saved. Found on a later turn, it means "reconcile with the provider first".
   */
  submitting: z.object({ index: z.number().int(), startedAt: z.number(), lastAttemptAt: z.number(), attempts: z.number().int().default(1), listings: z.number().int().default(0) }).optional(),
  polls: z.number().int().default(0),
  /** Retries after retryable errors in the current step, for backoff and a cap. */
  retries: z.number().int().default(0),
  /** A 422 "invalid asset" gets one fresh upload of the inputs, never more. */
  reuploaded: z.boolean().default(false),
  /** When the job got its slot in the workspace's line: its deadline counts from here. */
  slotAt: z.number().optional(),
  /** When the provider accepted the job(s): elapsed/ETA count from here. */
  submittedAt: z.number().optional(),
  /** When the provider finished: delivery retries for hours from here, never throwing a paid result away. */
  completedAt: z.number().optional(),
  results: JobResults.optional(),
  /** Batches that failed while others succeeded: their outputs are missing, and the user is told. */
  missingBatches: z.number().int().default(0),
  /** Key of the last status view actually sent, so an unchanged view is never re-sent. */
  lastViewKey: z.string().optional(),
  lastEditAt: z.number().optional(),
  /** A platform slot reserved for the status post or the final edit (paced platforms): the job waits for it, then makes that call. */
  pacing: z.object({ call: z.enum(['post', 'final-edit']), at: z.number() }).optional(),
  /** An upload begun and not yet recorded: after a crash the thread is checked for it before uploading again. */
  uploading: z.object({ index: z.number().int(), startedAt: z.number() }).optional(),
  /** Output indices already posted to the thread (deliver is idempotent across re-runs). */
  delivered: z.array(z.number().int()).default([]),
  /** The outputs' text (ad copy) was posted. */
  textDelivered: z.boolean().default(false),
  /** How many messages of a long text were posted (src/message-chunks.ts). */
  textChunksDelivered: z.number().int().min(0).default(0),
  /** The slot, line place and reaction lock were given back (finalize runs that once). */
  released: z.boolean().default(false),
  /** Output indices that cannot be delivered (gone at the provider): reported, not retried. */
  undeliverable: z.array(z.number().int()).default([]),
  /** Times the sweeper found this job dead (a crash); a job that keeps dying is ended. */
  crashes: z.number().int().default(0),
  outcome: JobOutcome.optional(),
  /** The final status edit's last failure, for operators. */
  finalEditError: z.string().optional(),
});
export type GenerationJob = z.infer<typeof GenerationJob>;
export type NewGenerationJob = z.input<typeof GenerationJob>;

/** Job ids may not contain ':' nor be all digits (BullMQ rules); invocation ids may hold anything. */
export function jobIdFor(invocationId: string): string {
  return 'g-' + invocationId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}
