/**
 * Provider faults against the real pipeline (BullMQ on the real Redis, the Krea client against
 * the simulator with its fault controls): every request ends with exactly one provider job
 * billed and exactly one delivery, or with a visible outcome that says truthfully whether it was
 * charged; and after each fault, a fresh job in the same workspace still runs (no slot leaked).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPipelineFetch } from '../../src/main/media-fetch.js';
import { GENERATION_JOB_VERSION, type GenerationJob } from '../../src/generation.js';
import { createHarness, type Harness } from '../helpers/pipeline-harness.js';

let h: Harness;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await h?.close();
});

const W = { platform: 'slack' as const, workspaceId: 'T1' };
const submits = (h: Harness) => h.sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/generate/'));
/** Jobs the provider made and will bill: completed, or still running (not cancelled, not failed). */
const billable = (h: Harness) => h.sim.jobs().filter((j) => j.cancelledAt === undefined && !j.fails);

async function harness(options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> {
  h = await createHarness(options);
  // The real SSRF-safe fetcher, trusting the simulator's origin exactly as production trusts KREA_API_URL.
  const fetcher = createPipelineFetch({ providerUrls: [h.sim.url] });
  closers.push(() => fetcher.close());
  h.deps.fetchMedia = fetcher.fetchMedia;
  h.deps.limits.submitTimeoutMs = 600;
  return h;
}

/** After a fault: a fresh job in the same workspace must still complete. */
async function stillServes(h: Harness): Promise<void> {
  const next = await h.waitFor(await h.enqueue({ prompt: 'after the fault' }));
  expect(next.outcome?.state).toBe('succeeded');
  expect(await h.redis.scard(`${h.prefix}:gen:running:slack:T1`)).toBe(0);
}

describe('submits whose answer is lost are reconciled, never billed twice', () => {
  for (const how of ['reset', 502] as const) {
    it(`the provider made the job, then the answer was lost (${how})`, async () => {
      h = await harness();
      h.sim.control.loseSubmitAnswers(1, how);
      h.startWorker();
      const job = await h.waitFor(await h.enqueue());
      expect(job.outcome?.state).toBe('succeeded');
      expect(h.sim.jobs()).toHaveLength(1);
      expect(job.operations.map((o) => o.providerJobId)).toEqual([h.sim.jobs()[0]!.job_id]);
      expect(h.platform.uploads).toHaveLength(1);
      expect(h.sim.requests().some((r) => r.method === 'GET' && r.path === '/jobs')).toBe(true);
      await stillServes(h);
    });
  }

  it('the provider answered after the client gave up (a timeout): adopted, not sent again', async () => {
    h = await harness();
    h.sim.control.setLatency(1200);
    h.startWorker();
    const id = await h.enqueue();
    await h.waitFor(id, (j) => j.submitting !== undefined && j.operations.length === 0);
    h.sim.control.setLatency(0);
    const job = await h.waitFor(id);
    expect(job.outcome?.state).toBe('succeeded');
    expect(h.sim.jobs()).toHaveLength(1);
    expect(h.platform.uploads).toHaveLength(1);
  });

  it('a 5xx burst that made nothing: the submit is sent again once the provider says it has no such job', async () => {
    h = await harness();
    h.sim.control.fail('submit', 500, { count: 3 });
    h.startWorker();
    const job = await h.waitFor(await h.enqueue());
    expect(job.outcome?.state).toBe('succeeded');
    expect(submits(h)).toHaveLength(4);
    expect(h.sim.jobs()).toHaveLength(1);
    expect(h.platform.uploads).toHaveLength(1);
  });

  it('two uncertain submits at once each end with their own single job', async () => {
    h = await harness();
    h.sim.control.loseSubmitAnswers(2, 'reset');
    h.startWorker();
    const ids = await Promise.all([h.enqueue({ prompt: 'first fox' }), h.enqueue({ prompt: 'second fox' })]);
    const jobs = await Promise.all(ids.map((id) => h.waitFor(id)));
    expect(jobs.map((j) => j.outcome?.state)).toEqual(['succeeded', 'succeeded']);
    expect(h.sim.jobs()).toHaveLength(2);
    expect(new Set(jobs.flatMap((j) => j.operations.map((o) => o.providerJobId))).size).toBe(2);
    expect(h.platform.uploads).toHaveLength(2);
  });
});

describe('provider errors while following a job', () => {
  it('malformed JSON and a 429 storm are retried until they pass', async () => {
    h = await harness();
    h.sim.control.malformed('status', 2);
    h.sim.control.fail('submit', 429, { count: 6, headers: { 'retry-after': '0' } });
    h.startWorker();
    const job = await h.waitFor(await h.enqueue(), undefined, 30_000);
    expect(job.outcome?.state).toBe('succeeded');
    expect(h.sim.jobs()).toHaveLength(1);
    expect(h.platform.uploads).toHaveLength(1);
  });

  it('a job that never ends is cancelled at the provider at the deadline, and is not billed', async () => {
    h = await harness();
    h.sim.control.hangJobs(1);
    h.startWorker();
    const id = 'g-forever';
    await h.queue.enqueue(newJob(id, { deadlineMs: 1500 }));
    const job = await h.waitFor(id, undefined, 20_000);
    expect(job.outcome).toMatchObject({ state: 'failed', charged: 'no', reason: 'deadline' });
    expect(h.sim.jobs()[0]!.cancelledAt).toBeDefined();
    expect(billable(h)).toHaveLength(0);
    expect(h.platform.finalText).toContain('not billed');
    await stillServes(h);
  });
});

describe('a paid result is never thrown away', () => {
  it('a Cancel that arrives after the provider finished delivers the paid result, once, without spinning', async () => {
    h = await harness({ sim: { jobDurationMs: 200 } });
    h.deps.timeScale = 1; // the first poll comes seconds later: the job is done at the provider meanwhile
    h.startWorker();
    const id = await h.enqueue();
    await h.waitFor(id, (j) => j.step === 'poll');
    await new Promise((r) => setTimeout(r, 400));
    expect(h.sim.jobJson(h.sim.jobs()[0]!.job_id)?.['status']).toBe('completed');
    expect(await h.queue.requestCancel(id, { userId: 'UALICE', isAdmin: false })).toBe('requested');
    const job = await h.waitFor(id);
    expect(job.outcome).toMatchObject({ state: 'succeeded', charged: 'yes' });
    expect(h.platform.uploads).toHaveLength(1);
    expect(h.sim.requests().filter((r) => r.method === 'GET' && r.path.startsWith('/jobs/')).length).toBeLessThan(10);
  });

  it('outputs that answer 503 a few times are delivered once they come back', async () => {
    h = await harness();
    h.sim.control.failResults(503, 503, 503);
    h.startWorker();
    const job = await h.waitFor(await h.enqueue());
    expect(job.outcome?.state).toBe('succeeded');
    expect(h.platform.uploads).toHaveLength(1);
    expect(h.platform.finalText).not.toContain('not billed');
  });

  it('outputs gone for good (404) end the job saying it was charged, never "not billed"', async () => {
    h = await harness();
    h.sim.control.loseResults(1);
    h.startWorker();
    const job = await h.waitFor(await h.enqueue());
    expect(job.outcome).toMatchObject({ state: 'failed', charged: 'yes', reason: 'outputs_gone' });
    expect(h.platform.finalText).toContain('charged');
    expect(h.platform.finalText).not.toContain('not billed');
    await stillServes(h);
  });

  it('one of --n 4 failing at the provider: the other three are delivered, with a note', async () => {
    h = await harness();
    h.sim.control.failJobs(1, 'NSFW content detected');
    h.startWorker();
    const job = await h.waitFor(await h.enqueue({ count: 4 }), undefined, 20_000);
    expect(job.outcome).toMatchObject({ state: 'succeeded', charged: 'yes' });
    expect(job.outcome?.outputs).toHaveLength(3);
    expect(h.platform.uploads).toHaveLength(3);
    expect(h.platform.finalText).toContain('1 of the requested results failed at the provider');
  });

  it('a worker stopped (SIGTERM) while downloading a paid result hands it back: another worker delivers it', async () => {
    h = await harness();
    h.sim.control.resultDelayMs = 1500;
    const first = h.startWorker();
    const id = await h.enqueue();
    await h.waitFor(id, (j) => j.step === 'poll');
    // The job finishes at the provider at once; its first poll moves it to deliver, whose download takes 1.5 s.
    await new Promise((r) => setTimeout(r, 900));
    expect(h.platform.uploads).toHaveLength(0);
    await first.close(); // what SIGTERM does: stop taking work, abort what is in flight, hand it back
    h.sim.control.resultDelayMs = 0;
    h.startWorker();
    const job = await h.waitFor(id);
    expect(job.outcome).toMatchObject({ state: 'succeeded', charged: 'yes' });
    expect(job.undeliverable).toEqual([]);
    expect(h.platform.uploads).toHaveLength(1);
  });

  it('a deadline passing while delivering does not stop the delivery', async () => {
    h = await harness();
    h.sim.control.failResults(503, 503);
    h.startWorker();
    const id = 'g-late';
    await h.queue.enqueue(newJob(id, { deadlineMs: 700 }));
    const job = await h.waitFor(id, undefined, 20_000);
    expect(job.outcome?.state).toBe('succeeded');
    expect(h.platform.uploads).toHaveLength(1);
  });
});

describe('a bug anywhere in a turn', () => {
  it('ends the job visibly with a reference, frees the slot, and the next job runs', async () => {
    h = await harness();
    await h.deps.settings.update(W, { maxConcurrentJobs: 1 });
    const inner = h.deps.settings;
    let broken = true;
    h.deps.settings = { ...inner, get: (w) => (broken ? Promise.reject(new Error('settings exploded')) : inner.get(w)) };
    h.startWorker();
    const id = await h.enqueue();
    const job = await h.waitFor(id, (j) => !!j.outcome);
    expect(job.outcome).toMatchObject({ state: 'failed', reason: 'bug', charged: 'no' });
    broken = false;
    const done = await h.waitFor(id);
    expect(done.step).toBe('done');
    expect(h.platform.finalText).toMatch(/Something went wrong on our side \(ref `[A-Z0-9]+`\)/);
    expect(h.platform.finalView?.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons.map((x) => x.action) : []))).not.toContain('cancel');
    await stillServes(h);
  });
});

describe('the workspace line', () => {
  it('serves waiting jobs first come, first served, shows the right position, and costs nothing while they wait', async () => {
    h = await harness({ sim: { jobDurationMs: 300 } });
    await h.deps.settings.update(W, { maxConcurrentJobs: 1 });
    let settingsReads = 0;
    const inner = h.deps.settings;
    h.deps.settings = { ...inner, get: (w) => (settingsReads++, inner.get(w)) };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await h.enqueue({ prompt: `in line ${i}` }, `g-line-${i}`));
    h.startWorker();
    const jobs = await Promise.all(ids.map((id) => h.waitFor(id, undefined, 30_000)));
    expect(jobs.map((j) => j.outcome?.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    // Served in order: each got its slot after the one before it.
    const slots = jobs.map((j) => j.slotAt!);
    expect([...slots].sort((a, b) => a - b)).toEqual(slots);
    const prompts = submits(h).map((r) => (r.body as { prompt: string }).prompt);
    expect(prompts).toEqual(['in line 0', 'in line 1', 'in line 2', 'in line 3']);
    const waiting = h.platform.updates.map((u) => u.view.blocks.find((b) => b.type === 'progress')).flatMap((b) => (b?.type === 'progress' && b.label.startsWith('Waiting') ? [b.label] : []));
    expect(waiting).toContain('Waiting in line: #3 (1 running in this workspace)');
    expect(waiting).toContain('Waiting in line: #1 (1 running in this workspace)');
    // Parked, not polling: a handful of turns per job, not one every few seconds.
    expect(settingsReads).toBeLessThan(6 * ids.length);
  });
});

function newJob(id: string, options: { deadlineMs: number }): GenerationJob {
  const now = Date.now();
  return {
    v: GENERATION_JOB_VERSION,
    id,
    workspace: W,
    requester: { userId: 'UALICE', isAdmin: false },
    request: { provider: 'krea', modelId: 'image/bfl/flux-1-dev', kind: 'image', prompt: 'a fox that takes forever', width: 1024, height: 1024, count: 1, inputs: [], params: {} },
    placement: { kind: 'here', conversation: { ...W, channelId: 'C1' } },
    step: 'announce',
    createdAt: now,
    deadlineAt: now + options.deadlineMs,
  } as unknown as GenerationJob;
}
