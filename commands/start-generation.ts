/**
 * The one way a generation starts, whatever asked for it (/generate, @mention, a shortcut, a 🎬
 * reaction, Retry/Variations/Upscale/Animate buttons): check the provider, credentials and
 * channel, estimate the cost, reserve it against the workspace's limits (atomically, so every
 * entry point counts), then enqueue the job under an id derived from the invocation. The job is enqueued first; the worker
 * posts its status message (jobs/steps/announce.ts), so a failure here never leaves a status
 * message with a dead Cancel button behind.
 */
import { UserError } from '../src/errors.js';
import { GENERATION_JOB_VERSION, jobIdFor, type Cost, type GenerationRequest, type NewGenerationJob, type Placement, type ProviderId } from '../src/generation.js';
import type { Actor, WorkspaceRef } from '../src/model.js';
import type { QuotaDecision, UsageLimits, WorkspaceSettings } from '../src/ports.js';
import { formatCost } from '../src/progress.js';
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
  if (await s.credentials.get(workspace, provider)) {
    const info = await s.credentials.info(workspace, provider);
    if (!info?.rejectedAt) return;
    throw new UserError(
      'invalid_key',
      `${PROVIDER_NAMES[provider]} rejected the API key connected to this workspace (revoked or deleted). An admin can connect a new one with \`${commandHint(workspace.platform, 'connect', provider)}\`.`,
    );
  }
  if (s.hasDefaultCredentials(provider) && (await s.settings.get(workspace)).useServerKeys) return;
  throw new UserError(
    'no_credentials',
    `No ${PROVIDER_NAMES[provider]} API key is set up for this workspace yet. An admin can add one with \`${commandHint(workspace.platform, 'connect', provider)}\` (the key is stored encrypted).`,
  );
}

export const DEFAULT_CONFIRM_WINDOW_MS = 5 * 60_000;

/** What the provider's published prices say this request costs, when it publishes them. */
async function estimateOf(s: CommandServices, request: GenerationRequest): Promise<Cost | undefined> {
  const provider = s.providers[request.provider];
  const model = await s.catalog.get(request.provider, request.modelId).catch(() => undefined);
  return model && provider?.estimateCost ? provider.estimateCost(request, model) : undefined;
}

export async function startGeneration(s: CommandServices, start: GenerationStart): Promise<StartedGeneration> {
  const { workspace, request } = start;
  await ensureProvider(s, workspace, request.provider);
  const settings = await s.settings.get(workspace);
  const channel = start.placement.kind === 'here' ? start.placement.conversation.channelId : start.placement.message.channelId;
  if (settings.allowedChannels.length > 0 && !settings.allowedChannels.includes(channel)) {
    throw new UserError('forbidden', `Generations are not enabled in this channel. They are in: ${settings.allowedChannels.map((c) => channelMention(workspace, c)).join(', ')}.`);
  }
  const jobId = jobIdFor(start.invocationId);
  const estimate = await estimateOf(s, request);
  if (s.quotas) {
    const decision = await s.quotas.reserve({ workspace, userId: start.actor.userId, jobId, ...(estimate ? { estimate } : {}) }, limitsOf(settings));
    if (!decision.ok) throw new UserError('quota', quotaMessage(decision, estimate));
  }
  const threshold = estimate ? settings.confirmAbove[estimate.unit] : undefined;
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
    ...(estimate ? { estimate } : {}),
    ...(estimate && threshold !== undefined && estimate.amount > threshold ? { confirm: { expiresAt: now + (s.limits.confirmWindowMs ?? DEFAULT_CONFIRM_WINDOW_MS) } } : {}),
    ...(start.parentJobId ? { parentJobId: start.parentJobId } : {}),
    ...(start.reactionLock ? { reactionLock: start.reactionLock } : {}),
  };
  try {
    const { created } = await s.queue.enqueue(job);
    return { jobId, created };
  } catch (err) {
    // Nothing was queued: give the reservation back.
    await s.quotas?.settle({ workspace, userId: start.actor.userId, jobId }, { charged: 'no' }).catch(() => undefined);
    throw err;
  }
}

function channelMention(workspace: WorkspaceRef, channelId: string): string {
  return workspace.platform === 'web' ? `#${channelId}` : `<#${channelId}>`;
}

/** Settings use 0 for "no limit"; the store wants absent. */
export function limitsOf(settings: WorkspaceSettings): UsageLimits {
  return {
    ...(settings.maxConcurrentPerUser > 0 ? { maxConcurrentPerUser: settings.maxConcurrentPerUser } : {}),
    ...(settings.maxJobsPerUserPerDay > 0 ? { maxJobsPerUserPerDay: settings.maxJobsPerUserPerDay } : {}),
    dailySpend: settings.dailySpend,
  };
}

/** Which limit, and when it frees up: the reset time in the reader's own time zone. */
export function quotaMessage(decision: Extract<QuotaDecision, { ok: false }>, estimate?: Cost): string {
  const reset = decision.resetsAt !== undefined ? ` It resets <time:${Math.floor(decision.resetsAt / 1000)}:time>.` : '';
  switch (decision.limit) {
    case 'user_concurrent':
      return `You already have ${decision.used} generation${decision.used === 1 ? '' : 's'} running, this workspace's limit per person. Try again when one finishes.`;
    case 'user_daily_jobs':
      return `You have started ${decision.used} generations today, this workspace's daily limit per person.${reset}`;
    case 'daily_spend': {
      const unit = decision.unit ?? estimate?.unit ?? 'credits';
      const cost = (amount: number) => formatCost({ amount, unit });
      return `This would take today's spend past this workspace's daily limit (${cost(decision.used)} of ${cost(decision.max)} used${estimate ? `, this one is ~${cost(estimate.amount)}` : ''}).${reset}`;
    }
  }
}
