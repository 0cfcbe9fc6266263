/** Key naming: everything under one prefix (a hash tag like `{genbot}` keeps Redis Cluster happy), scoped by workspace. */
import type { WorkspaceRef } from '../../src/model.js';

export function workspaceKey(prefix: string, workspace: WorkspaceRef, ...rest: string[]): string {
  return [prefix, 'ws', workspace.platform, workspace.workspaceId, ...rest].join(':');
}

export function workspacePattern(prefix: string, workspace: WorkspaceRef): string {
  return `${[prefix, 'ws', workspace.platform, workspace.workspaceId].join(':').replace(/[*?[\]\\]/g, (c) => `\\${c}`)}:*`;
}
