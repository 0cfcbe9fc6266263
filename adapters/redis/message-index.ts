/**
 * Messages the bot posted (status and results), so a reaction on one needs no history call.
 * Each entry expires (30 days by default): reactions on old results are rare and the index must
 * not grow forever.
 */
import { z } from 'zod';
import { MediaRef, type MessageRef } from '../../src/model.js';
import type { IndexedMessage, MessageIndex } from '../../src/ports.js';
import { deleteMatching, workspaceKey, workspacePattern, type StoreOptions } from './keys.js';

export const MESSAGE_INDEX_TTL_SECONDS = 30 * 24 * 3600;

const IndexedSchema = z.object({
  jobId: z.string().min(1),
  role: z.enum(['status', 'result']),
  requesterId: z.string(),
  media: z.array(MediaRef),
});

export interface MessageIndexOptions extends StoreOptions {
  ttlSeconds?: number;
}

type MessageKey = Pick<MessageRef, 'platform' | 'workspaceId' | 'channelId' | 'messageId'>;

export function createMessageIndex(options: MessageIndexOptions): MessageIndex {
  const { redis, prefix } = options;
  const ttl = Math.max(1, Math.ceil(options.ttlSeconds ?? MESSAGE_INDEX_TTL_SECONDS));
  const key = (m: MessageKey) => workspaceKey(prefix, m, 'msg', m.channelId, m.messageId);
  return {
    async remember(message, entry) {
      await redis.set(key(message), JSON.stringify(IndexedSchema.parse(entry)), 'EX', ttl);
    },
    async lookup(message): Promise<IndexedMessage | undefined> {
      const raw = await redis.get(key(message));
      if (!raw) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return undefined;
      }
      const parsed = IndexedSchema.safeParse(value);
      return parsed.success ? parsed.data : undefined;
    },
    async deleteWorkspace(w) {
      // Only the index: credentials and settings are the purge's business.
      await deleteMatching(redis, workspacePattern(prefix, w, 'msg'));
    },
  };
}
