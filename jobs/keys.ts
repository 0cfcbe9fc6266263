/** Redis keys the pipeline keeps beside BullMQ's own (same prefix, so one hash tag covers all). */
import type { WorkspaceRef } from '../src/model.js';

export const QUEUE_NAME = 'generate';

export const jobKeys = (prefix: string) => ({
  cancel: (jobId: string) => `${prefix}:gen:cancel:${jobId}`,
  created: (jobId: string) => `${prefix}:gen:created:${jobId}`,
  /** Unfinished jobs of a workspace (for /jobs and the line). */
  active: (w: WorkspaceRef) => `${prefix}:gen:active:${w.platform}:${w.workspaceId}`,
  /** Jobs of a workspace that hold a provider slot right now (submitted, not finished). */
  running: (w: WorkspaceRef) => `${prefix}:gen:running:${w.platform}:${w.workspaceId}`,
  /** Provider job id → our job id, so a webhook can find its job. */
  providerJob: (providerJobId: string) => `${prefix}:gen:pjob:${providerJobId}`,
});
