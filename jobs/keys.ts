/** Redis keys the pipeline keeps beside BullMQ's own (same prefix, so one hash tag covers all). */
import type { WorkspaceRef } from '../src/model.js';

export const QUEUE_NAME = 'generate';
export const MAINTENANCE_QUEUE_NAME = 'maintenance';

const ws = (w: WorkspaceRef) => `${w.platform}:${w.workspaceId}`;

export const jobKeys = (prefix: string) => ({
  cancel: (jobId: string) => `${prefix}:gen:cancel:${jobId}`,
  confirm: (jobId: string) => `${prefix}:gen:confirm:${jobId}`,
  created: (jobId: string) => `${prefix}:gen:created:${jobId}`,
  /** Unfinished jobs of a workspace (for /jobs and the sweeper). */
  active: (w: WorkspaceRef) => `${prefix}:gen:active:${ws(w)}`,
  /** Jobs of a workspace that hold a slot right now (submitted, not finished). */
  running: (w: WorkspaceRef) => `${prefix}:gen:running:${ws(w)}`,
  /** Jobs of a workspace waiting for a slot, scored by when they asked (first come, first served). */
  line: (w: WorkspaceRef) => `${prefix}:gen:line:${ws(w)}`,
  /** Every job of a workspace, finished ones too (scored by creation), so an uninstall can delete them all. */
  jobs: (w: WorkspaceRef) => `${prefix}:gen:jobs:${ws(w)}`,
  /** Jobs a purge could not remove while a worker held them: the sweeper removes them. */
  purged: () => `${prefix}:gen:purged`,
  /** Workspaces with unfinished jobs, `platform:id` members: what the sweeper walks. */
  workspaces: () => `${prefix}:gen:workspaces`,
  /** Provider job id → our job id: a webhook finds its job, and a listed job is known to be ours. */
  providerJob: (providerJobId: string) => `${prefix}:gen:pjob:${providerJobId}`,
  /** Submits in flight per provider (job id scored by send time): reconciliation waits for them to settle. */
  inflight: (provider: string) => `${prefix}:gen:inflight:${provider}`,
  /** Which job runs for a message and emoji (🎬 on a message starts one job at a time). */
  reaction: (key: string) => `${prefix}:gen:reaction:${key}`,
});

export function workspaceFromMember(member: string): WorkspaceRef | undefined {
  const at = member.indexOf(':');
  if (at <= 0) return undefined;
  const platform = member.slice(0, at);
  if (platform !== 'slack' && platform !== 'discord' && platform !== 'web') return undefined;
  return { platform, workspaceId: member.slice(at + 1) };
}

export const workspaceMember = ws;
