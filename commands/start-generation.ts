/**
 * The one way a generation starts, whatever asked for it (/generate, @mention, a shortcut, a 🎬
 * reaction, Retry/Variations/Upscale/Animate buttons): check the provider and credentials, then
 * enqueue the job under an id derived from the invocation. The job is enqueued first; the worker
 * posts its status message (jobs/steps/announce.ts), so a failure here never leaves a status
 * message with a dead Cancel button behind.
 */
import { UserError } from '../src/errors.js';
import { GENERATION_JOB_VERSION, jobIdFor, type GenerationRequest, type NewGenerationJob, type Placement, type ProviderId } from '../src/generation.js';
import type { Actor, WorkspaceRef } from '../src/model.js';
import { commandHint } from './hints.js';
import type { CommandServices } from './services.js';

export type { Placement } from '../src/generation.js';

export interface GenerationStart {
  invocationId: string;
  workspace: WorkspaceRef;
  actor: Actor;
  placement: Placement;
  request: GenerationRequest;
  parentJobId?: string;
  /** The reaction lock this job holds (released when it ends). */
  reactionLock?: { key: string; token: string };
}

export interface StartedGeneration {
  jobId: string;
  /** False when this invocation had already started the job (a redelivery). */
  created: boolean;
}

const PROVIDER_NAMES: Record<ProviderId, string> = { krea: 'Krea', krev: 'Krev', kpainter: 'KPainter' };

export async function ensureProvider(s: CommandServices, workspace: WorkspaceRef, provider: ProviderId): Promise<void> {
  if (!s.providers[provider]) {
    const available = Object.keys(s.providers).map((p) => `\`${p}\``).join(', ');
    throw new UserError('bad_value', `${PROVIDER_NAMES[provider]} is not available on this bot yet. Available: ${available}.`);
  }
  if (s.hasDefaultCredentials(provider)) return;
  if (await s.credentials.get(workspace, provider)) return;
  throw new UserError(
    'no_credentials',
    `No ${PROVIDER_NAMES[provider]} API key is set up for this workspace yet. An admin can add one with \`${commandHint(workspace.platform, 'connect', provider)}\` (the key is stored encrypted).`,
  );
}

export async function startGeneration(s: CommandServices, start: GenerationStart): Promise<StartedGeneration> {
  const { workspace, request } = start;
  await ensureProvider(s, workspace, request.provider);
  const jobId = jobIdFor(start.invocationId);
  const now = s.clock.now();
  const job: NewGenerationJob = {
    v: GENERATION_JOB_VERSION,
    id: jobId,
    workspace,
    requester: start.actor,
    request,
    placement: start.placement,
    createdAt: now,
    deadlineAt: now + s.limits.jobDeadlineMs,
    step: 'announce',
    ...(start.parentJobId ? { parentJobId: start.parentJobId } : {}),
    ...(start.reactionLock ? { reactionLock: start.reactionLock } : {}),
  };
  const { created } = await s.queue.enqueue(job);
  return { jobId, created };
}
