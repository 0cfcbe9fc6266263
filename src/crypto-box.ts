/**
 * Secrets at rest: AES-256-GCM with a random 96-bit IV per value. Format
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (each part base64url), where keyId is a short fingerprint
 * of the key. The key id lets a box hold previous keys during a rotation: values sealed with an
 * old key still open, and `isCurrent` tells a store to seal them again with the new key.
 * Pure node:crypto, so it may live in src/.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SecretBox {
  /** Id of the key new values are sealed with (a fingerprint, safe to log). */
  readonly keyId: string;
  seal(plaintext: string): string;
  /** undefined when the value was sealed with an unknown key, is malformed, or was tampered with. */
  open(sealed: string): string | undefined;
  /** True when `sealed` was sealed with the current key (false: re-seal it after opening). */
  isCurrent(sealed: string): boolean;
}

export interface SecretBoxOptions {
  /** Keys being rotated out: values sealed with them still open. */
  previousKeys?: Uint8Array[];
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A short, non-reversible fingerprint of a key (8 base64url chars of its SHA-256). */
export function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

function checkKey(key: Uint8Array): Buffer {
  // The message never includes the key material.
  if (key.length !== 32) throw new Error(`encryption key must be 32 bytes (got ${key.length})`);
  return Buffer.from(key);
}

export function createSecretBox(key: Uint8Array, options: SecretBoxOptions = {}): SecretBox {
  const current = checkKey(key);
  const keyId = keyIdOf(current);
  const keys = new Map<string, Buffer>();
  for (const old of options.previousKeys ?? []) {
    const buf = checkKey(old);
    keys.set(keyIdOf(buf), buf);
  }
  keys.set(keyId, current);

  return {
    keyId,
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      // The version and key id are authenticated too: they cannot be swapped without detection.
      cipher.setAAD(Buffer.from(`${VERSION}.${keyId}`));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) return undefined;
      const [, id, ivText, tagText, bodyText] = parts as [string, string, string, string, string];
      const k = keys.get(id);
      if (!k) return undefined;
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(`${VERSION}.${id}`));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
    isCurrent(sealed) {
      return sealed.startsWith(`${VERSION}.${keyId}.`);
    },
  };
}

/** The box for a loaded config (BOT_ENCRYPTION_KEY, already decoded to 32 bytes by src/config.ts), or undefined without a key. */
export function secretBoxFromConfig(config: { BOT_ENCRYPTION_KEY?: Uint8Array | undefined }, options: SecretBoxOptions = {}): SecretBox | undefined {
  return config.BOT_ENCRYPTION_KEY ? createSecretBox(config.BOT_ENCRYPTION_KEY, options) : undefined;
}
