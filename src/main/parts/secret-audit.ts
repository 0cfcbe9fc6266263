/** Says at start whether every stored secret still opens (after a BOT_ENCRYPTION_KEY change). */
import { auditStoredSecrets } from '../../../adapters/redis/secret-audit.js';
import type { Shared } from './shared.js';

export async function auditSecrets(shared: Shared): Promise<void> {
  const { box } = shared.stores;
  if (!box) return;
  const audit = await auditStoredSecrets(shared.redis, box);
  if (audit.unreadable > 0) {
    shared.logger.error(
      { ...audit, keyId: box.keyId },
      `${audit.unreadable} stored secret(s) cannot be decrypted with BOT_ENCRYPTION_KEY or BOT_ENCRYPTION_KEY_PREVIOUS; they are kept, not deleted: add the old key to BOT_ENCRYPTION_KEY_PREVIOUS to recover them`,
    );
  } else if (audit.previous > 0) {
    shared.logger.info({ ...audit, keyId: box.keyId }, 'stored secrets sealed with a previous key are re-encrypted as they are read');
  }
}
