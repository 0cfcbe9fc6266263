/**
 * The call pacer on a real Redis: slots reserved in order across clients (two processes share one
 * schedule), bursts, the spare-slot rule for best-effort calls, and a far slot left untaken.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallPacer } from '../../adapters/redis/call-pacer.js';
import type { WorkspaceRef } from '../../src/model.js';
import { testRedisUrl, uniquePrefix } from '../helpers/redis-url.js';

const W: WorkspaceRef = { platform: 'slack', workspaceId: 'T1' };
const rule = { perMinute: 60, burst: 3 };
let a: Redis;
let b: Redis;
beforeAll(() => {
  a = new Redis(testRedisUrl());
  b = new Redis(testRedisUrl());
});
afterAll(() => {
  a.disconnect();
  b.disconnect();
});

function pacers(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  const prefix = uniquePrefix('pacer');
  return { clock, one: createCallPacer({ redis: a, prefix, clock }), two: createCallPacer({ redis: b, prefix, clock }) };
}

describe('call pacer', () => {
  it('lets a burst go at once, then spaces calls at the sustained rate, in the order they asked, across processes', async () => {
    const { one, two } = pacers();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push((await (i % 2 ? two : one).take(W, 'chat.update', rule, { maxWaitMs: 60_000 })).waitMs);
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it('refills with time: after an idle spell the burst is back', async () => {
    const { one, clock } = pacers();
    for (let i = 0; i < 3; i++) await one.take(W, 'c', rule, { maxWaitMs: 0 });
    expect(await one.take(W, 'c', rule, { maxWaitMs: 0 })).toEqual({ taken: false, waitMs: 1000 });
    clock.t += 3000;
    const again = await Promise.all([0, 1, 2].map(() => one.take(W, 'c', rule, { maxWaitMs: 0 })));
    expect(again.every((s) => s.taken && s.waitMs === 0)).toBe(true);
  });

  it('a slot further away than the caller will wait is not taken, so it stays for the next caller', async () => {
    const { one } = pacers();
    for (let i = 0; i < 3; i++) await one.take(W, 'c', rule, { maxWaitMs: 0 });
    expect(await one.take(W, 'c', rule, { maxWaitMs: 500 })).toEqual({ taken: false, waitMs: 1000 });
    expect(await one.take(W, 'c', rule, { maxWaitMs: 1000 })).toEqual({ taken: true, waitMs: 1000 });
  });

  it('best-effort calls leave `keep` slots of the burst to the calls that must go', async () => {
    const { one } = pacers();
    expect((await one.take(W, 'c', rule, { maxWaitMs: 0, keep: 2 })).taken).toBe(true);
    // Two of three slots left: a progress edit may not take them, a final edit may.
    expect((await one.take(W, 'c', rule, { maxWaitMs: 0, keep: 2 })).taken).toBe(false);
    expect(await one.take(W, 'c', rule, { maxWaitMs: 0 })).toEqual({ taken: true, waitMs: 0 });
    expect(await one.take(W, 'c', rule, { maxWaitMs: 0 })).toEqual({ taken: true, waitMs: 0 });
  });

  it('keeps workspaces and calls apart', async () => {
    const { one } = pacers();
    for (let i = 0; i < 3; i++) await one.take(W, 'c', rule, { maxWaitMs: 0 });
    expect((await one.take({ platform: 'slack', workspaceId: 'T2' }, 'c', rule, { maxWaitMs: 0 })).taken).toBe(true);
    expect((await one.take(W, 'other', rule, { maxWaitMs: 0 })).taken).toBe(true);
  });
});

describe('the Slack platform under its pacer', () => {
  it('a progress edit held back by the pacer fails as rate_limited with its wait, before Slack is asked', async () => {
    const { FakeSlack } = await import('../fakes/slack/server.js');
    const { createSlackPlatform } = await import('../../adapters/slack/platform.js');
    const { silentLogger } = await import('../../src/logger.js');
    const { platformFiles } = await import('../helpers/platform-files.js');
    const { textView } = await import('../../src/view.js');
    const fake = new FakeSlack();
    await fake.start();
    try {
      const { one } = pacers(Date.now());
      const platform = createSlackPlatform({ token: 'xoxb-test-token', apiUrl: fake.apiUrl, teamId: 'T1', logger: silentLogger(), downloadFile: platformFiles(fake.apiUrl), pacer: one });
      const card = await platform.post({ platform: 'slack', workspaceId: 'T1', channelId: 'C1' }, textView('Queued'));
      // Final edits have used the workspace's chat.update burst: a progress edit must not take the last slots.
      const { slackMethodRule } = await import('../../adapters/slack/rate-limits.js');
      for (let i = 0; i < 10; i++) await one.take(W, 'slack:chat.update', slackMethodRule('chat.update'), { maxWaitMs: 600_000 });
      const before = fake.callsTo('chat.update').length;
      const err = await platform.update(card, textView('Generating… 40 %'), { priority: 'progress' }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'rate_limited' });
      expect((err as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
      expect(fake.callsTo('chat.update').length).toBe(before);
    } finally {
      await fake.stop();
    }
  });
});
