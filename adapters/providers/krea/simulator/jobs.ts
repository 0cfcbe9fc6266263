/** A simulated job and its clock: the state is a pure function of elapsed time, so reads need no timers. */
import type { KreaModelSpec } from '../openapi.js';

export interface SimJob {
  job_id: string;
  modelId: string;
  kind: KreaModelSpec['kind'];
  body: Record<string, unknown>;
  createdAt: number;
  durationMs: number;
  backlogMs: number;
  cancelledAt?: number;
  fails: boolean;
  failReason?: string;
  webhookUrl?: string;
  webhookSent?: boolean;
  /** Its result files answer 404 (a CDN that lost them). */
  resultsGone?: boolean;
}

export const STATUSES = ['backlogged', 'queued', 'scheduled', 'processing', 'sampling', 'intermediate-complete', 'completed', 'failed', 'cancelled'];
export const TERMINAL = ['completed', 'failed', 'cancelled'];

/** Backlog first, then the running states in fixed fractions of the duration. */
export function stateOf(job: SimJob, now: number): string {
  if (job.cancelledAt !== undefined) return 'cancelled';
  const elapsed = now - job.createdAt;
  if (elapsed < job.backlogMs) return 'backlogged';
  const f = (elapsed - job.backlogMs) / job.durationMs;
  if (f >= 1) return job.fails ? 'failed' : 'completed';
  if (f < 0.1) return 'queued';
  if (f < 0.2) return 'scheduled';
  if (f < 0.5) return 'processing';
  if (f < 0.75) return 'sampling';
  return 'intermediate-complete';
}

/** When the job ends (completes or fails) unless cancelled first. */
export const endOf = (job: SimJob) => job.createdAt + job.backlogMs + job.durationMs;
