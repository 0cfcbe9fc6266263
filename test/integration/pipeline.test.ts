/**
 * The job pipeline against a real Redis and the Krea simulator: what users see in the status
 * message and the thread, and what the provider is asked, for each way a job can go.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../jobs/keys.js';
import { createGenerationWorker } from '../../jobs/worker.js';
import { createHarness, type Harness } from '../helpers/pipeline-harness.js';
import { monitorRedis } from '../helpers/redis-monitor.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const submits = (h: Harness) => h.sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/generate/'));
const phases = (h: Harness) => h.platform.updates.map((u) => u.view.blocks.find((b) => b.type === 'progress')).map((b) => (b?.type === 'progress' ? b.label : ''));

describe('generation pipeline', () => {
  it('goes queued → running → succeeded, edits the status message, delivers the output once', async () => {
    // Long enough (against the scaled first poll, 0.85 × Flux's 7 s × 0.05) that a poll sees it running.
    h = await createHarness({ sim: { jobDurationMs: 1500 } });
    h.startWorker();
    const id = await h.enqueue();
    const job = await h.waitFor(id);
    expect(job.outcome?.state).toBe('succeeded');
    expect(submits(h)).toHaveLength(1);
    expect(h.platform.uploads).toHaveLength(1);
    const file = h.platform.uploads[0]!.files[0]!;
    expect(file.mimeType).toBe('image/png');
    // The status message is posted by the job itself, then results go to its thread.
    expect(h.platform.posts[0]!.to).toMatchObject({ channelId: 'C1' });
    expect(h.platform.uploads[0]!.to).toMatchObject({ channelId: 'C1', threadId: job.statusMessage!.messageId });
    // The status message is posted as "Queued"; edits then follow the provider.
    const posted = h.platform.posts[0]!.view.blocks.find((b) => b.type === 'progress');
    expect(posted?.type === 'progress' && posted.label).toBe('Queued');
    const seen = phases(h);
    expect(seen).toContain('Generating');
    expect(seen.at(-1)).toBe('Done');
    // No two consecutive edits show the same thing.
    const keys = h.platform.updates.map((u) => JSON.stringify(u.view.blocks.filter((b) => b.type === 'progress')));
    expect(keys.filter((k, i) => i > 0 && k === keys[i - 1] && h.platform.updates[i]!.priority === 'progress')).toEqual([]);
    const final = h.platform.finalView!;
    const buttons = final.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons.map((x) => x.label) : []));
    // One row for the image (flux takes an input image: Vary starts from it), one for the job.
    expect(buttons).toEqual(['Upscale', 'Vary (from image)', 'Animate', 'Retry', 'Vary (new seed)', 'Remix', 'Delete']);
    // The simulator draws the size the card announces (1360×768).
    expect(job.outcome?.outputs[0]).toMatchObject({ mimeType: 'image/png', width: 1360, height: 768 });
    expect(final.blocks.find((b) => b.type === 'media')).toEqual({ type: 'media', items: [{ url: job.outcome!.outputs[0]!.url, alt: 'a red fox at dawn', mimeType: 'image/png', width: 1360, height: 768 }] });
    const indexed = await h.deps.messageIndex.lookup({ platform: 'slack', workspaceId: 'T1', channelId: 'C1', messageId: 'u2' });
    expect(indexed).toMatchObject({ jobId: id, role: 'result' });
  });

  it('writes a job\'s data once per fact a crash must not lose: six times for an image (one worker turn each, never a write per change)', async () => {
    // Done before the first poll (0.85 × Flux's 7 s × 0.05), so one poll finds it finished.
    h = await createHarness({ sim: { jobDurationMs: 50 } });
    // No progress edit between the status post and the result, however slow the machine: an edit
    // noted at a turn's end is written with it (and this counts writes, not edits).
    h.deps.progressGapMs = 60_000;
    const id = 'g-count-writes';
    const jobKey = `${h.prefix}:${QUEUE_NAME}:${id}`;
    // Inside scripts too (MONITOR shows what Lua runs): the job hash's data field, however it is sent.
    const monitor = await monitorRedis();
    h.startWorker();
    await h.enqueue({}, id);
    const job = await h.waitFor(id);
    monitor.close();
    expect(job.outcome?.state).toBe('succeeded');
    const writes = monitor.commands.filter((c) => c[0] === 'hset' && c[1] === jobKey && c[2] === 'data').map((c) => c[3]!);
    // Status message and thread; the submit's intent; the provider's job id; the upload's intent;
    // the outcome (with the delivery); the end (with the slot given back).
    expect(writes.map((w) => (JSON.parse(w) as { step: string }).step)).toEqual(['announce', 'submit', 'poll', 'deliver', 'finalize', 'done']);
  });

  it('cancels: the provider cancel is called and the user is told it is not billed', async () => {
    h = await createHarness({ sim: { jobDurationMs: 20_000 } });
    h.startWorker();
    const id = await h.enqueue();
    await h.waitFor(id, (j) => j.operations.length === 1 && j.step === 'poll');
    expect(await h.queue.requestCancel(id, { userId: 'UALICE', isAdmin: false })).toBe('requested');
    const job = await h.waitFor(id);
    expect(job.outcome?.state).toBe('cancelled');
    const providerJobId = job.operations[0]!.providerJobId;
    expect(h.sim.requests().some((r) => r.method === 'DELETE' && r.path === `/jobs/${providerJobId}`)).toBe(true);
    expect(h.sim.jobJson(providerJobId)?.['status']).toBe('cancelled');
    expect(h.platform.finalText).toContain('Cancelled by <@UALICE>');
    expect(h.platform.finalText).toContain('Cancelled jobs are not billed.');
    expect(h.platform.uploads).toEqual([]);
    expect(await h.queue.requestCancel(id)).toBe('already_finished');
  });

  it('shows 402 as out of balance and does not retry it', async () => {
    h = await createHarness();
    h.sim.control.setBalanceEmpty(true);
    h.startWorker();
    const job = await h.waitFor(await h.enqueue());
    expect(job.outcome?.state).toBe('failed');
    expect(h.platform.finalText).toContain('The Krea API balance is used up');
    expect(submits(h)).toHaveLength(1);
  });

  it('retries a 429 (backlog full) until it goes through', async () => {
    h = await createHarness();
    h.sim.control.fail('submit', 429, { count: 3 });
    h.startWorker();
    const job = await h.waitFor(await h.enqueue());
    expect(job.outcome?.state).toBe('succeeded');
    expect(submits(h)).toHaveLength(4);
    expect(phases(h)).toContain('Provider busy, retrying');
    expect(h.platform.uploads).toHaveLength(1);
  });

  it('answers a retired model with its replacement', async () => {
    h = await createHarness();
    h.sim.control.retire('image/bfl/flux-1-dev', 'image/krea/krea-2/medium');
    h.startWorker();
    const job = await h.waitFor(await h.enqueue());
    expect(job.outcome?.state).toBe('failed');
    expect(h.platform.finalText).toContain('`image/bfl/flux-1-dev` was retired by Krea; use `image/krea/krea-2/medium` instead');
  });

  it('enqueues a duplicate invocation once', async () => {
    h = await createHarness();
    await h.enqueue({}, 'g-dup');
    await h.enqueue({}, 'g-dup');
    expect(await h.queue.queue.getJobCounts('waiting', 'delayed', 'active')).toMatchObject({ waiting: 1 });
  });

  it('resumes the same provider job after the worker dies mid-poll, never submitting twice', async () => {
    h = await createHarness({ sim: { jobDurationMs: 1500 } });
    const first = h.startWorker();
    const id = await h.enqueue();
    const polling = await h.waitFor(id, (j) => j.step === 'poll' && j.polls >= 1);
    const providerJobId = polling.operations[0]!.providerJobId;
    await first.worker.close(true); // killed: no graceful finish
    const second = createGenerationWorker({ connection: h.redis.duplicate({ maxRetriesPerRequest: null }), prefix: h.prefix, concurrency: 2, deps: h.deps, redis: h.redis });
    try {
      const job = await h.waitFor(id);
      expect(job.outcome?.state).toBe('succeeded');
      expect(job.operations.map((o) => o.providerJobId)).toEqual([providerJobId]);
      expect(submits(h)).toHaveLength(1);
      expect(h.sim.requests().filter((r) => r.path === `/jobs/${providerJobId}`).length).toBeGreaterThan(1);
      expect(h.platform.uploads).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('skips progress edits when the edit budget or the platform says no, but always sends the final one', async () => {
    h = await createHarness({ edits: { capacity: 1, perMinute: 1 } });
    h.platform.rateLimitProgress = true;
    h.startWorker();
    const job = await h.waitFor(await h.enqueue());
    expect(job.outcome?.state).toBe('succeeded');
    expect(h.platform.updates.filter((u) => u.priority === 'progress')).toEqual([]);
    expect(h.platform.updates.filter((u) => u.priority === 'final')).toHaveLength(1);
    expect(h.platform.uploads).toHaveLength(1);
  });

  it('makes --n 2 as two provider jobs with different seeds, delivered once each', async () => {
    h = await createHarness();
    h.startWorker();
    const job = await h.waitFor(await h.enqueue({ count: 2, seed: 42 }));
    expect(job.outcome?.outputs).toHaveLength(2);
    const seeds = submits(h).map((r) => (r.body as { seed: number }).seed);
    expect(new Set(seeds).size).toBe(2);
    expect(h.platform.uploads).toHaveLength(2);
  });

  it('delivers a video too big for the platform as a link', async () => {
    h = await createHarness({ sim: { videoPadBytes: 2 * 1024 * 1024 } });
    h.platform.uploadLimit = 1024 * 1024;
    h.startWorker();
    const job = await h.waitFor(await h.enqueue({ modelId: 'video/google/veo-3.1-fast', kind: 'video', width: undefined, height: undefined, aspectRatio: '16:9' }));
    expect(job.outcome?.state).toBe('succeeded');
    expect(h.platform.uploads).toEqual([]);
    expect(h.platform.posts[1]?.view.text).toMatch(/too large to upload here \(2\.0 MB\): \[download it\]\(http/);
  });
});
