/**
 * Key naming, in one place: everything under one prefix (a hash tag like `{genbot}` keeps Redis
 * Cluster happy), and everything that belongs to a workspace under
 * `<prefix>:ws:<platform>:<workspaceId>:` so a purge can find it with one SCAN pattern.
 */
import type { Redis } from 'ioredis';
import type { WorkspaceRef } from '../../src/model.js';

/** What every store factory receives. */
export interface StoreOptions {
  redis: Redis;
  prefix: string;
}

export function workspaceKey(prefix: string, workspace: WorkspaceRef, ...rest: string[]): string {
  return [prefix, 'ws', workspace.platform, workspace.workspaceId, ...rest].join(':');
}

/** Escapes glob metacharacters so ids cannot widen a SCAN pattern. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** SCAN pattern for every key of a workspace, or of one of its sections (e.g. 'msg'). */
export function workspacePattern(prefix: string, workspace: WorkspaceRef, ...rest: string[]): string {
  return `${escapeGlob(workspaceKey(prefix, workspace, ...rest))}:*`;
}

/** Unlinks every key matching `pattern`, with SCAN (never KEYS: it blocks Redis). Returns how many. */
export async function deleteMatching(redis: Redis, pattern: string, signal?: AbortSignal): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    signal?.throwIfAborted();
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
