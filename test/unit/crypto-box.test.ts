/** Secrets at rest: sealed values hide the plaintext, detect tampering, and survive a key rotation. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createSecretBox, keyIdOf, secretBoxFromConfig } from '../../src/crypto-box.js';

const SECRET = 'krea-api-key-0123456789';

/** Flips one bit in one base64url part of a sealed value, keeping it well-formed. */
function flip(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('crypto box', () => {
  it('seals into v1.<keyId>.<iv>.<tag>.<ciphertext> without the plaintext, and opens it back', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal(SECRET);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed.split('.')[1]).toBe(box.keyId);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).not.toContain(Buffer.from(SECRET).toString('base64url'));
    expect(box.open(sealed)).toBe(SECRET);
    // A fresh IV each time: equal secrets do not look equal at rest.
    expect(box.seal(SECRET)).not.toBe(sealed);
    expect(box.open(box.seal(''))).toBe('');
    expect(box.open(box.seal('ünïcødé 🎬'))).toBe('ünïcødé 🎬');
  });

  it('refuses tampered values: ciphertext, tag, iv, or a swapped key id', () => {
    const key = randomBytes(32);
    const box = createSecretBox(key);
    const sealed = box.seal(SECRET);
    for (const part of [2, 3, 4]) expect(box.open(flip(sealed, part))).toBeUndefined();
    expect(box.open(sealed.replace(/^v1\./, 'v2.'))).toBeUndefined();
    expect(box.open(sealed.split('.').slice(0, 4).join('.'))).toBeUndefined();
    expect(box.open('not sealed at all')).toBeUndefined();
    // Same key registered as a "previous" one under a different id cannot be reached by editing the id.
    const other = createSecretBox(randomBytes(32), { previousKeys: [key] });
    const parts = sealed.split('.');
    parts[1] = other.keyId;
    expect(other.open(parts.join('.'))).toBeUndefined();
  });

  it('a value sealed with another key does not open (absent, not garbage)', () => {
    const sealed = createSecretBox(randomBytes(32)).seal(SECRET);
    expect(createSecretBox(randomBytes(32)).open(sealed)).toBeUndefined();
  });

  it('rotation: previous keys still open old values, which are flagged for re-sealing', () => {
    const oldKey = randomBytes(32);
    const oldSealed = createSecretBox(oldKey).seal(SECRET);
    const rotated = createSecretBox(randomBytes(32), { previousKeys: [oldKey] });
    expect(rotated.open(oldSealed)).toBe(SECRET);
    expect(rotated.isCurrent(oldSealed)).toBe(false);
    const resealed = rotated.seal(SECRET);
    expect(rotated.isCurrent(resealed)).toBe(true);
    expect(createSecretBox(oldKey).open(resealed)).toBeUndefined();
  });

  it('rejects keys that are not 32 bytes, without echoing them', () => {
    expect(() => createSecretBox(Buffer.from('short-secret-key'))).toThrow(/32 bytes/);
    try {
      createSecretBox(Buffer.from('short-secret-key'));
    } catch (err) {
      expect((err as Error).message).not.toContain('short-secret-key');
    }
  });

  it('takes BOT_ENCRYPTION_KEY from config as hex or base64: the same key either way', () => {
    const raw = randomBytes(32);
    const fromHex = secretBoxFromConfig(loadConfig({ BOT_ENCRYPTION_KEY: raw.toString('hex') }));
    const fromBase64 = secretBoxFromConfig(loadConfig({ BOT_ENCRYPTION_KEY: raw.toString('base64') }));
    expect(fromHex?.keyId).toBe(keyIdOf(raw));
    expect(fromBase64?.open(fromHex!.seal(SECRET))).toBe(SECRET);
    expect(secretBoxFromConfig(loadConfig({}))).toBeUndefined();
    expect(() => loadConfig({ BOT_ENCRYPTION_KEY: randomBytes(16).toString('hex') })).toThrow(/BOT_ENCRYPTION_KEY/);
  });
});
