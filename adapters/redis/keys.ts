/**
 * Key naming, in one place: everything under one prefix (a hash tag like `{genbot}` keeps Redis
 * Cluster happy), and everything that belongs to a workspace under
 * `<prefix>:ws:<platform>:<workspaceId>:` so a purge can find it with one SCAN pattern.
 */
import { Cluster, type Redis } from 'ioredis';

/** One node or a cluster: every store works with either. */
export type RedisClient = Redis | Cluster;
import type { WorkspaceRef } from '../../src/model.js';

/** What every store factory receives. */
export interface StoreOptions {
  redis: RedisClient;
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

/** Every key matching `pattern`, with SCAN (never KEYS: it blocks Redis), on every master of a cluster. */
export async function scanMatching(redis: RedisClient, pattern: string, signal?: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      signal?.throwIfAborted();
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** Unlinks every key matching `pattern`. Returns how many. */
export async function deleteMatching(redis: RedisClient, pattern: string, signal?: AbortSignal): Promise<number> {
  let deleted = 0;
  // One key per call: on a cluster a multi-key UNLINK must stay in one slot.
  for (const key of await scanMatching(redis, pattern, signal)) deleted += await redis.unlink(key);
  return deleted;
}
