/**
 * The sweeper repairs what a crash or a bug left behind: slots held by jobs that no longer exist,
 * jobs BullMQ gave up on without an outcome, and parked jobs whose wake-up was lost. After each
 * repair the workspace serves new jobs again.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../jobs/keys.js';
import { sweepOnce } from '../../jobs/sweeper.js';
import { silentLogger } from '../../src/logger.js';
import { createHarness, type Harness } from '../helpers/pipeline-harness.js';
import { testRedisUrl } from '../helpers/redis-url.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const W = { platform: 'slack' as const, workspaceId: 'T1' };
const sweep = (h: Harness) => sweepOnce({ redis: h.redis, prefix: h.prefix, queue: h.queue.queue, settings: h.deps.settings, logger: silentLogger(), providers: ['krea'] });

/** A turn that dies outside the job's own error handling (a crashed process, Redis gone mid-save). */
async function crashOnce(h: Harness, jobId: string): Promise<void> {
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const crasher = new Worker(QUEUE_NAME, async (job) => {
    // Unrecoverable: BullMQ fails it at once instead of retrying (as after its stalled limit).
    if (job.id === jobId) throw new UnrecoverableError('the process died');
  }, { connection, prefix: h.prefix, autorun: true });
  for (let i = 0; i < 200 && (await h.queue.queue.getJobState(jobId)) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 25));
  await crasher.close();
  connection.disconnect();
}

describe('the sweeper', () => {
  it('frees slots held by jobs that no longer exist, and wakes the job waiting behind them', async () => {
    h = await createHarness();
    await h.deps.settings.update(W, { maxConcurrentJobs: 1 });
    // Left behind by a crash: a slot and an active mark for a job BullMQ no longer has.
    await h.redis.sadd(`${h.prefix}:gen:running:slack:T1`, 'g-ghost');
    await h.redis.sadd(`${h.prefix}:gen:active:slack:T1`, 'g-ghost');
    await h.redis.sadd(`${h.prefix}:gen:workspaces`, 'slack:T1');
    h.startWorker();
    const id = await h.enqueue();
    await h.waitFor(id, (j) => j.step === 'submit' && !!j.statusMessage);
    await new Promise((r) => setTimeout(r, 200));
    expect((await h.queue.get(id))?.operations).toEqual([]);
    expect(h.platform.updates.some((u) => JSON.stringify(u.view).includes('Waiting in line: #1'))).toBe(true);
    const report = await sweep(h);
    expect(report.dropped).toBeGreaterThanOrEqual(1);
    expect(report.woken).toBe(1);
    expect((await h.waitFor(id)).outcome?.state).toBe('succeeded');
  });

  it('resumes a job BullMQ failed without an outcome, from its saved step', async () => {
    h = await createHarness();
    const id = await h.enqueue();
    await crashOnce(h, id);
    expect(await h.queue.queue.getJobState(id)).toBe('failed');
    const report = await sweep(h);
    expect(report.repaired).toBe(1);
    h.startWorker();
    const job = await h.waitFor(id);
    expect(job.outcome?.state).toBe('succeeded');
    expect(job.crashes).toBe(1);
    expect(h.platform.uploads).toHaveLength(1);
  });

  it('ends a job that keeps crashing, visibly, and frees its slot', async () => {
    h = await createHarness();
    await h.deps.settings.update(W, { maxConcurrentJobs: 1 });
    const id = await h.enqueue();
    for (let i = 0; i < 3; i++) {
      await crashOnce(h, id);
      await sweep(h);
    }
    h.startWorker();
    const job = await h.waitFor(id);
    expect(job.outcome).toMatchObject({ state: 'failed', reason: 'crashed', charged: 'no' });
    expect(await h.redis.scard(`${h.prefix}:gen:running:slack:T1`)).toBe(0);
    expect((await h.waitFor(await h.enqueue({ prompt: 'next one' }))).outcome?.state).toBe('succeeded');
  });
});
