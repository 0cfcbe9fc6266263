/** The Redis stores behind the ports, with the secret box (current key plus any previous ones). */
import { createCallPacer } from '../../../adapters/redis/call-pacer.js';
import { createEditBudget } from '../../../adapters/redis/edit-budget.js';
import { createReactionLocks } from '../../../adapters/redis/reaction-locks.js';
import { createCredentialStore, createDedupeStore, createEncryptedKeyValueStore, createKeyValueStore, createLedger, createMessageIndex, createQuotaStore, createSettingsStore } from '../../../adapters/redis/stores.js';
import type { Config } from '../../config.js';
import { createSecretBox, type SecretBox } from '../../crypto-box.js';
import type { Logger } from '../../logger.js';
import type { CallPacer, CredentialStore, DedupeStore, EditBudget, KeyValueStore, Ledger, MessageIndex, QuotaStore, ReactionLocks, SettingsStore } from '../../ports.js';
import { systemClock } from '../../ports.js';
import type { RedisParts } from './redis.js';

export interface StoreParts {
  box: SecretBox | undefined;
  settings: SettingsStore;
  credentials: CredentialStore;
  messageIndex: MessageIndex;
  reactionLocks: ReactionLocks;
  dedupe: DedupeStore;
  editBudget: EditBudget;
  /** Platform calls spaced under published limits, shared by every process. */
  pacer: CallPacer;
  quotas: QuotaStore;
  ledger: Ledger;
  /** Sealed when a key is configured: Slack installations hold bot tokens. */
  secrets: KeyValueStore;
}

export function createStores(config: Config, { redis, prefix }: RedisParts, logger: Logger): StoreParts {
  const box = config.BOT_ENCRYPTION_KEY ? createSecretBox(config.BOT_ENCRYPTION_KEY, { previousKeys: config.BOT_ENCRYPTION_KEY_PREVIOUS }) : undefined;
  const kv = createKeyValueStore({ redis, prefix });
  return {
    box,
    settings: createSettingsStore({ redis, prefix, logger }),
    credentials: createCredentialStore({ redis, prefix, box, logger }),
    messageIndex: createMessageIndex({ redis, prefix }),
    reactionLocks: createReactionLocks({ redis, prefix }),
    dedupe: createDedupeStore({ redis, prefix }),
    editBudget: createEditBudget({ redis, prefix, clock: systemClock, onSkipped: () => undefined }),
    pacer: createCallPacer({ redis, prefix, clock: systemClock }),
    quotas: createQuotaStore({ redis, prefix }),
    ledger: createLedger({ redis, prefix }),
    secrets: box ? createEncryptedKeyValueStore(kv, box, logger) : kv,
  };
}
