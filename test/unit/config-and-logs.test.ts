/** Configuration reports every problem at once without echoing secrets; logs never carry tokens. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('has working defaults and starts local mode without platform tokens', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ BOT_ROLE: 'all', PORT: 3000, KREA_API_URL: 'https://api.krea.ai', REDIS_PREFIX: 'genbot', localMode: true });
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).localMode).toBe(false);
  });

  it('lists every problem at once, naming the variable and an example, never the secret value', () => {
    const found = problems({ PORT: 'abc', BOT_ROLE: 'boss', KREA_API_URL: 'not a url', BOT_ENCRYPTION_KEY: 'sekrit-value-123', SLACK_BOT_TOKEN: 'xoxb-super-secret', DISCORD_TOKEN: 'discord-secret-token' });
    expect(found.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['PORT', 'BOT_ROLE', 'KREA_API_URL', 'BOT_ENCRYPTION_KEY', 'SLACK_SIGNING_SECRET', 'DISCORD_APPLICATION_ID']));
    expect(found.join('\n')).toContain('for example');
    for (const secret of ['sekrit-value-123', 'xoxb-super-secret', 'discord-secret-token']) expect(found.join('\n')).not.toContain(secret);
  });

  it('accepts the encryption key as 64 hex characters or as base64', () => {
    const bytes = Buffer.alloc(32, 7);
    expect(loadConfig({ BOT_ENCRYPTION_KEY: bytes.toString('hex') }).BOT_ENCRYPTION_KEY).toEqual(bytes);
    expect(loadConfig({ BOT_ENCRYPTION_KEY: bytes.toString('base64') }).BOT_ENCRYPTION_KEY).toEqual(bytes);
    expect(problems({ BOT_ENCRYPTION_KEY: Buffer.alloc(16).toString('hex') })[0]).toMatch(/^BOT_ENCRYPTION_KEY: must be 32 bytes/);
  });
});

describe('logs', () => {
  it('redact tokens, keys and Authorization headers wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger({ level: 'info', destination: sink });
    log.info({ apiKey: 'k-123456', headers: { authorization: 'Bearer abcdefgh' }, credentials: { apiKey: 'x' } }, 'calling with Bearer sk_live_abcdef1234 and xoxb-1-2-3');
    log.child({ job: 'g-1' }).error({ err: new Error('failed with token xapp-1-ABC') }, 'boom');
    const out = lines.join('');
    for (const secret of ['k-123456', 'abcdefgh', 'sk_live_abcdef1234', 'xoxb-1-2-3', 'xapp-1-ABC']) expect(out).not.toContain(secret);
    expect(out).toContain('"job":"g-1"');
  });
});
