/**
 * The ledger of finished jobs (src/ports.ts Ledger): who generated what, when, with which
 * provider and what it cost, for `jobs` and the CSV export. One sorted set per workspace scored by
 * when the job finished, trimmed to 90 days and 20,000 entries; under the workspace's keys, so an
 * uninstall purge removes it.
 */
import { z } from 'zod';
import { Cost, ProviderId } from '../../src/generation.js';
import type { Ledger, LedgerEntry } from '../../src/ports.js';
import { workspaceKey, type StoreOptions } from './keys.js';

export const LEDGER_DAYS = 90;
const MAX_ENTRIES = 20_000;

const Entry = z.object({
  jobId: z.string(),
  userId: z.string(),
  createdAt: z.number(),
  finishedAt: z.number(),
  provider: ProviderId,
  modelId: z.string(),
  kind: z.string(),
  prompt: z.string(),
  state: z.enum(['succeeded', 'failed', 'cancelled']),
  charged: z.enum(['no', 'yes', 'unknown']),
  cost: Cost.optional(),
  costIsEstimate: z.boolean().optional(),
  channelId: z.string().optional(),
  messageId: z.string().optional(),
});

export function createLedger({ redis, prefix }: StoreOptions): Ledger {
  const key = (w: Parameters<Ledger['record']>[0]) => workspaceKey(prefix, w, 'ledger');
  return {
    async record(workspace, entry) {
      const k = key(workspace);
      const cutoff = entry.finishedAt - LEDGER_DAYS * 24 * 3600_000;
      await redis
        .multi()
        .zadd(k, entry.finishedAt, JSON.stringify({ ...entry, prompt: entry.prompt.slice(0, 500) }))
        .zremrangebyscore(k, '-inf', cutoff)
        .zremrangebyrank(k, 0, -MAX_ENTRIES - 1)
        .exec();
    },
    async list(workspace, options) {
      const raw = await redis.zrevrangebyscore(key(workspace), '+inf', options.since ?? '-inf');
      const out: LedgerEntry[] = [];
      for (const item of raw) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(item);
        } catch {
          continue;
        }
        const entry = Entry.safeParse(parsed);
        if (!entry.success || (options.userId && entry.data.userId !== options.userId)) continue;
        out.push(entry.data as LedgerEntry);
        if (options.limit && out.length >= options.limit) break;
      }
      return out;
    },
  };
}
