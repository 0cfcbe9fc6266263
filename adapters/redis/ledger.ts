/**
 * The ledger of finished jobs (src/ports.ts Ledger): who generated what, when, with which
 * provider and what it cost, for `jobs` and the CSV export. One sorted set per workspace scored by
 * when the job finished, trimmed to 90 days and 20,000 entries; under the workspace's keys, so an
 * uninstall purge removes it.
 */
import { z } from 'zod';
import { Cost, ProviderId } from '../../src/generation.js';
import type { Ledger, LedgerEntry } from '../../src/ports.js';
import { createLuaScript } from '../../src/lua-script.js';
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

// KEYS: the ledger. ARGV: finished at, entry, oldest score kept, most entries kept.
// One script rather than a MULTI: it shares the client's pipelined writes (jobs/redis-connection.ts).
// The same entry recorded twice (a finalize re-run after a crash) is one member.
const RECORD = createLuaScript(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[4]) - 1)
return 1
`);

export function createLedger({ redis, prefix }: StoreOptions): Ledger {
  const key = (w: Parameters<Ledger['record']>[0]) => workspaceKey(prefix, w, 'ledger');
  return {
    async record(workspace, entry) {
      const cutoff = entry.finishedAt - LEDGER_DAYS * 24 * 3600_000;
      await RECORD.run(redis, [key(workspace)], [entry.finishedAt, JSON.stringify({ ...entry, prompt: entry.prompt.slice(0, 500) }), cutoff, MAX_ENTRIES]);
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
