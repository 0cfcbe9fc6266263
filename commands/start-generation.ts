/**
 * The one way a generation starts, whatever asked for it (/generate, @mention, a shortcut, a 🎬
 * reaction, Retry/Variations/Upscale/Animate buttons): check credentials, post the status
 * message, open its thread, remember it, enqueue the job under an id derived from the invocation.
 */
import { UserError } from '../src/errors.js';
import { GENERATION_JOB_VERSION, jobIdFor, type GenerationRequest, type NewGenerationJob, type ProviderId } from '../src/generation.js';
import type { Actor, ConversationRef, MessageRef, WorkspaceRef } from '../src/model.js';
import { renderStatusView } from '../src/progress.js';
import { commandHint } from './hints.js';
import type { CommandServices } from './services.js';

export type Placement =
  /** Post the status message in this conversation; open a thread on it unless already in one. */
  | { kind: 'here'; conversation: ConversationRef }
  /** Work in the thread of an existing message (a reacted or shortcut message). */
  | { kind: 'thread-of'; message: MessageRef };

export interface GenerationStart {
  invocationId: string;
  workspace: WorkspaceRef;
  actor: Actor;
  placement: Placement;
  request: GenerationRequest;
  parentJobId?: string;
}

export interface StartedGeneration {
  jobId: string;
  statusMessage?: MessageRef;
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

function threadName(request: GenerationRequest): string {
  const base = request.prompt.trim() || (request.kind === 'video' ? 'Animation' : 'Generation');
  return base.length > 90 ? `${base.slice(0, 89)}…` : base;
}

export async function startGeneration(s: CommandServices, start: GenerationStart): Promise<StartedGeneration> {
  const { workspace, request } = start;
  await ensureProvider(s, workspace, request.provider);

  const jobId = jobIdFor(start.invocationId);
  if (await s.queue.get(jobId)) return { jobId, created: false };

  const platform = await s.platforms.forWorkspace(workspace);
  const now = s.clock.now();
  const draft = {
    v: GENERATION_JOB_VERSION,
    id: jobId,
    workspace,
    requester: start.actor,
    request,
    createdAt: now,
    deadlineAt: now + s.limits.jobDeadlineMs,
    ...(start.parentJobId ? { parentJobId: start.parentJobId } : {}),
  } as const;

  let statusMessage: MessageRef;
  let thread: ConversationRef;
  const initialView = renderStatusView(draft, { phase: 'queued' }, now);

  if (start.placement.kind === 'here') {
    const here = start.placement.conversation;
    statusMessage = await platform.post(here, initialView);
    thread = here.threadId ? here : await platform.openThread(statusMessage, threadName(request));
  } else {
    thread = await platform.openThread(start.placement.message, threadName(request));
    statusMessage = await platform.post(thread, initialView);
  }

  await s.messageIndex.remember(statusMessage, { jobId, role: 'status', requesterId: start.actor.userId, media: [] });
  const job: NewGenerationJob = { ...draft, statusMessage, thread };
  const { created } = await s.queue.enqueue(job);
  return { jobId, statusMessage, created };
}
