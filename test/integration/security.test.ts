/**
 * Security holes that each had a test failing before the fix: a prompt link aimed at a private
 * service, key rotation dropping every stored secret, and a playground reachable from the network.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCredentialStore, createEncryptedKeyValueStore, createKeyValueStore } from '../../adapters/redis/stores.js';
import { auditStoredSecrets } from '../../adapters/redis/secret-audit.js';
import { renderPng } from '../../adapters/providers/krea/simulator/media.js';
import { createSecretBox } from '../../src/crypto-box.js';
import { silentLogger } from '../../src/logger.js';
import type { RunningBot } from '../../src/main/compose.js';
import { progressLabel, send, startLocalBot, waitForMessage } from '../helpers/local-bot.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';

let bot: RunningBot | undefined;
let privateService: Server | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  await new Promise<void>((r) => (privateService ? privateService.close(() => r()) : r()));
  privateService = undefined;
});

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

describe('SSRF: links in prompts', () => {
  it('a prompt link to a private service is refused before any byte is read, with the one generic message', async () => {
    let hits = 0;
    privateService = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(renderPng(32, 32, 'internal'));
    });
    await new Promise<void>((r) => privateService!.listen(0, '127.0.0.1', r));
    const port = (privateService.address() as AddressInfo).port;
    bot = await startLocalBot();
    for (const link of [`http://127.0.0.1:${port}/admin.png`, `https://127.0.0.1:${port}/admin.png`, `https://[::ffff:127.0.0.1]:${port}/x.png`]) {
      await send(bot, '/api/send', { text: `/generate make it blue ${link}` });
    }
    const failed = await waitForMessage(bot, (m, all) => all.filter((x) => progressLabel(x) === 'Failed').length === 3 && progressLabel(m) === 'Failed');
    expect(JSON.stringify(failed.view)).toContain('I could not use that file. Attach it directly, or link a public image');
    expect(hits).toBe(0);
  });
});

describe('key rotation', () => {
  const W = { platform: 'slack' as const, workspaceId: 'T1' };
  const key = (byte: number) => new Uint8Array(32).fill(byte);

  it('a previous key still opens stored secrets, which are sealed again with the new key; a lost key drops nothing', async () => {
    const prefix = uniquePrefix('rotate');
    const logger = silentLogger();
    const oldBox = createSecretBox(key(1));
    await createCredentialStore({ redis, prefix, box: oldBox, logger }).set(W, 'krea', { apiKey: 'krea-secret-1234' });
    const kvOld = createEncryptedKeyValueStore(createKeyValueStore({ redis, prefix }), oldBox);
    await kvOld.set('slack:install:T:T1', JSON.stringify({ bot: { token: 'xoxb-install' } }));

    // Restarted with a new key only: nothing opens, but nothing is deleted either, and the audit says so.
    const lostBox = createSecretBox(key(2));
    expect(await createCredentialStore({ redis, prefix, box: lostBox, logger }).get(W, 'krea')).toBeUndefined();
    expect(await auditStoredSecrets({ redis, prefix }, lostBox)).toEqual({ current: 0, previous: 0, unreadable: 2 });
    expect(await redis.hexists(`${prefix}:ws:slack:T1:credentials`, 'krea')).toBe(1);

    // With the old key as BOT_ENCRYPTION_KEY_PREVIOUS: both open, and are re-sealed with the new key as read.
    const rotated = createSecretBox(key(2), { previousKeys: [key(1)] });
    expect(await auditStoredSecrets({ redis, prefix }, rotated)).toEqual({ current: 0, previous: 2, unreadable: 0 });
    expect(await createCredentialStore({ redis, prefix, box: rotated, logger }).get(W, 'krea')).toEqual({ apiKey: 'krea-secret-1234' });
    expect(await createEncryptedKeyValueStore(createKeyValueStore({ redis, prefix }), rotated).get('slack:install:T:T1')).toContain('xoxb-install');
    expect(await auditStoredSecrets({ redis, prefix }, rotated)).toEqual({ current: 2, previous: 0, unreadable: 0 });
    // The old key can now be retired: the new key alone opens everything.
    expect(await createCredentialStore({ redis, prefix, box: lostBox, logger }).get(W, 'krea')).toEqual({ apiKey: 'krea-secret-1234' });
  });
});

describe('safe defaults for deployment', () => {
  it('local mode without ADMIN_PASSWORD listens on loopback only, even when HOST says otherwise', async () => {
    bot = await startLocalBot({ HOST: '0.0.0.0' });
    expect(bot.bound.host).toBe('127.0.0.1');
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const reached = await fetch(`http://${external.address}:${bot.bound.port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
      expect(reached).toBe(false);
    }
    expect((await fetch(`http://127.0.0.1:${bot.bound.port}/healthz`)).status).toBe(200);
  });

  it('with ADMIN_PASSWORD it may listen on every interface, and the playground asks for the password', async () => {
    bot = await startLocalBot({ HOST: '0.0.0.0', ADMIN_PASSWORD: 'open-sesame-123' });
    expect(bot.bound.host).toBe('0.0.0.0');
    expect((await fetch(`http://127.0.0.1:${bot.bound.port}/`)).status).toBe(401);
  });
});
