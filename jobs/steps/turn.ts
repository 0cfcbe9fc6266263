/**
 * One turn of a job: the data it works on, lazily loaded dependencies (so a failing lookup is an
 * error inside the step, handled like any other, never an escape past the error boundary), and
 * the status-message edit every step uses.
 */
import type { ModelInfo } from '../../src/catalog.js';
import { PlatformError, UserError } from '../../src/errors.js';
import type { GenerationJob, JobOutcome, JobStep } from '../../src/generation.js';
import type { Logger } from '../../src/logger.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationRef, MessageRef } from '../../src/model.js';
import type { ChatPlatform, GenerationProvider, ProviderCallContext, WorkspaceSettings } from '../../src/ports.js';
import { renderStatusView, stateKey, type ProgressState } from '../../src/progress.js';
import type { PipelineDeps } from '../deps.js';
import type { JobLine } from '../job-line.js';
import type { JobState } from '../job-state.js';

export interface JobHandle {
  data: GenerationJob;
  /** Writes now: for what must survive a crash before the next side effect (intents, ids, deliveries, outcomes). */
  save(patch: Partial<GenerationJob>): Promise<void>;
  /** Keeps in memory and writes with the next save or when the turn ends: for what can be learned again. */
  note(patch: Partial<GenerationJob>): void;
  /** Ends this turn; the job runs again after `ms` (BullMQ moveToDelayed + DelayedError). */
  delay(ms: number): Promise<never>;
}

/** Process-wide pieces every turn shares. */
export interface Runtime {
  state: JobState;
  line: JobLine;
  /** Wakes parked or delayed jobs now (a slot freed, a line moved). */
  wake(jobIds: string[]): Promise<void>;
  /** Aborted when the process is stopping: a turn hands its job back instead of finishing. */
  stopping: AbortSignal;
}

/** What a step decides: go on to another step now, come back later, or end the job. */
export type StepResult =
  | { kind: 'next'; step: JobStep; patch?: Partial<GenerationJob> }
  | { kind: 'wait'; ms: number }
  | { kind: 'end'; outcome: Omit<JobOutcome, 'finishedAt'> };

export interface Turn {
  readonly job: GenerationJob;
  readonly handle: JobHandle;
  readonly deps: PipelineDeps;
  readonly runtime: Runtime;
  readonly log: Logger;
  readonly scale: number;
  now(): number;
  provider(): GenerationProvider;
  providerCall(): Promise<ProviderCallContext>;
  platform(): Promise<ChatPlatform>;
  model(): Promise<ModelInfo | undefined>;
  settings(): Promise<WorkspaceSettings>;
  /** Edits the status message when the view changed and the edit budget allows; `final` always tries. */
  show(progress: ProgressState, final?: boolean, options?: { reserved?: boolean }): Promise<void>;
  /**
   * For a status post or a final edit on a paced platform: a wait (the step comes back when its
   * reserved slot is due), or undefined when the call may go now (`reserved` then says it holds a slot).
   */
  pace(call: 'post' | 'final-edit', where: ConversationRef | MessageRef): Promise<{ wait: StepResult } | { reserved: boolean }>;
}

/** A reserved slot this close is waited for inside the turn; a later one as a delay. */
const IN_TURN_PACE_MS = 500;
/** A job back this early for its slot goes ahead (BullMQ's delay timers are not exact). */
const PACE_EARLY_MS = 50;

/** Default least time between two progress edits of one status message. */
const PROGRESS_GAP_MS = 3000;
const URGENT_PHASES = new Set<ProgressState['phase']>(['waiting', 'retrying', 'confirm']);

const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => (value ??= load().catch((err: unknown) => {
    value = undefined;
    throw err;
  }));
};

export function createTurn(handle: JobHandle, deps: PipelineDeps, runtime: Runtime, log: Logger): Turn {
  const job = () => handle.data;
  const now = () => deps.clock.now();
  const platform = once(() => deps.platforms.forWorkspace(job().workspace));
  const provider = (): GenerationProvider => {
    const p = deps.providers[job().request.provider];
    if (!p) throw new UserError('provider_unavailable', `The ${job().request.provider} provider is not configured on this bot anymore.`);
    return p;
  };
  const credentials = once(async () => {
    const found = await deps.resolveCredentials(job().workspace, job().request.provider);
    if (!found) throw new UserError('no_credentials', `No ${provider().displayName} API key is set up for this workspace anymore. An admin can connect one again.`);
    return found;
  });

  return {
    get job() {
      return handle.data;
    },
    handle,
    deps,
    runtime,
    log,
    scale: deps.timeScale ?? 1,
    now,
    provider,
    async providerCall() {
      return { credentials: await credentials(), signal: runtime.stopping };
    },
    platform,
    model: once(() => deps.catalog.get(job().request.provider, job().request.modelId).catch(() => undefined)),
    settings: once(() => deps.settings.get(job().workspace)),
    async pace(call, where) {
      const held = job().pacing;
      if (held?.call === call) {
        // Woken early (a promote, a crash and restart): wait out the rest; the slot is ours.
        if (held.at - now() > PACE_EARLY_MS) return { wait: { kind: 'wait', ms: held.at - now() } };
        handle.note({ pacing: undefined });
        return { reserved: true };
      }
      const p = await platform();
      if (!p.reserve) return { reserved: false };
      const waitMs = await p.reserve(call, where);
      if (waitMs <= IN_TURN_PACE_MS) {
        if (waitMs > 0) {
          // Noted while waiting: a shutdown during the wait hands the job back still holding its slot.
          handle.note({ pacing: { call, at: now() + waitMs } });
          await sleep(waitMs, undefined, { signal: runtime.stopping });
          handle.note({ pacing: undefined });
        }
        return { reserved: true };
      }
      handle.note({ pacing: { call, at: now() + waitMs } });
      return { wait: { kind: 'wait', ms: waitMs } };
    },
    async show(progress, final = false, options = {}) {
      const { statusMessage, workspace } = job();
      if (!statusMessage) return;
      const key = stateKey(progress);
      if (!final && key === job().lastViewKey) return deps.metrics.editSkipped(workspace.platform, 'unchanged');
      // Progress is paced per message; what the user must act on or wait for (a line, a retry) is not.
      const gap = deps.progressGapMs ?? PROGRESS_GAP_MS * (deps.timeScale ?? 1);
      if (!final && !URGENT_PHASES.has(progress.phase) && now() - (job().lastEditAt ?? 0) < gap) return deps.metrics.editSkipped(workspace.platform, 'paced');
      if (!final && !(await deps.editBudget.tryTake(workspace))) return deps.metrics.editSkipped(workspace.platform, 'budget');
      const view = renderStatusView(job(), progress, now());
      try {
        await (await platform()).update(statusMessage, view, { priority: final ? 'final' : 'progress', ...(options.reserved ? { reserved: true } : {}) });
        handle.note({ lastViewKey: key, lastEditAt: now() });
      } catch (err) {
        if (final) throw err;
        if (err instanceof PlatformError && err.code === 'rate_limited') {
          deps.metrics.platformRateLimited(workspace.platform, 'update');
          return deps.metrics.editSkipped(workspace.platform, 'rate_limited');
        }
        // A progress edit is worth nothing once it fails: the next one, or the final one, says more.
        log.warn({ err }, 'progress edit failed');
      }
    },
  };
}
