/**
 * Deletes everything the stores keep for one workspace (credentials, settings, message index,
 * quotas, edit budget), for Slack's app_uninstalled / tokens_revoked. Every such key lives under
 * `<prefix>:ws:<platform>:<id>:`, so one SCAN pattern finds them all (never KEYS). Dedupe claims
 * and key/value entries are not per workspace: dedupe claims expire by themselves, and the Slack
 * installation is deleted by its own store.
 */
import type { WorkspaceRef } from '../../src/model.js';
import { deleteMatching, workspacePattern, type StoreOptions } from './keys.js';

/** Returns how many keys were deleted. */
export async function purgeWorkspace({ redis, prefix }: StoreOptions, workspace: WorkspaceRef, signal?: AbortSignal): Promise<number> {
  return deleteMatching(redis, workspacePattern(prefix, workspace), signal);
}

export interface WorkspacePurge {
  purgeWorkspace(workspace: WorkspaceRef, signal?: AbortSignal): Promise<number>;
}

export function createWorkspacePurge(options: StoreOptions): WorkspacePurge {
  return { purgeWorkspace: (workspace, signal) => purgeWorkspace(options, workspace, signal) };
}
