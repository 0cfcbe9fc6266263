/**
 * Briefing Krev's creative agent end to end: `brief` (Slack text, Discord options, a mention in a
 * thread) becomes a generation on the model `chat/krev/agent`; the normal pipeline starts the
 * chat run, follows it from what the Operation keeps (runId, pollUrl), and delivers the run's
 * images and the agent's answer into the thread; Cancel only stops following (Krev cannot stop a
 * run); a failed run is not billed. Against the Krev simulator, on the real Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { ALICE, KREV_KEY, startKrevBot, viewText, type KrevBot } from '../helpers/krev-bot.js';

const ctx = { credentials: { apiKey: KREV_KEY } };
let bot: KrevBot;
let wallet: string;

const chatBodies = () => bot.krevSim.requests().filter((r) => r.method === 'POST' && r.path === '/chat').map((r) => r.body as Record<string, unknown>);

beforeAll(async () => {
  bot = await startKrevBot();
  bot.startWorker();
  wallet = (await bot.krev.createProduct(ctx, { imageUrl: 'https://example.com/wallet.png', name: 'Leather Wallet' })).id;
});
afterAll(() => bot.close());

describe('brief', () => {
  it('runs a chat run through the pipeline and delivers its images and the agent’s answer in the thread (Slack)', async () => {
    const r = await bot.command('slack', 'brief', { text: 'three ad concepts for summer --product leather wallet --agent asset' }, { id: 'brief-slack' });
    expect(r.text).toBe('');
    const job = (await bot.jobOf('brief-slack'))!;
    expect(job.request).toMatchObject({ provider: 'krev', modelId: 'chat/krev/agent', prompt: 'three ad concepts for summer', count: 1, params: { product_ids: [wallet], agent: 'asset' } });
    // Chat runs are not priced by Krev: estimated as one standard image (see KREV_PRICES.chatRun).
    expect(job.estimate).toEqual({ amount: 40, unit: 'credits' });

    const done = await bot.waitFor(job.id);
    expect(chatBodies().at(-1)).toEqual({ message: 'three ad concepts for summer', product_ids: [wallet], agent: 'asset' });
    // What the poll needs is kept in the Operation (JSON-safe, read back with zod).
    const [op] = done.operations;
    expect(op).toMatchObject({ modelId: 'chat/krev/agent', runId: op!.providerJobId, pollUrl: `${bot.krevSim.url}/chat/runs/${op!.providerJobId}` });
    expect(typeof op!['conversationId']).toBe('string');
    expect(done.outcome).toMatchObject({ state: 'succeeded', charged: 'yes' });

    const thread = done.thread!.threadId!;
    const files = bot.platform.threadUploads(thread);
    expect(files).toHaveLength(1);
    expect(Buffer.from(files[0]!.bytes).subarray(1, 4).toString()).toBe('PNG');
    const answer = bot.platform.threadTexts(thread).join('\n');
    expect(answer).toBe('Here is an image concept for “three ad concepts for summer”. Want variations or a video next?');
    expect(done.outcome?.text).toBe(answer);
    expect(viewText(bot.platform.finalView)).toContain('Done');
  });

  it('takes Discord options and a mention in a thread the same way', async () => {
    await bot.command('discord', 'brief', { options: { message: 'a tagline for the wallet', product: 'Leather Wallet' } }, { id: 'brief-discord' });
    const discord = await bot.waitFor((await bot.jobOf('brief-discord'))!.id);
    expect(discord.outcome?.state).toBe('succeeded');
    expect(chatBodies().at(-1)).toEqual({ message: 'a tagline for the wallet', product_ids: [wallet] });

    const r = await bot.mention('slack', 'brief two hooks for a video --product leather wallet', { id: 'brief-mention' });
    expect(r.text).toBe('');
    const mention = await bot.waitFor((await bot.jobOf('brief-mention'))!.id);
    expect(mention.placement).toMatchObject({ kind: 'thread-of' });
    expect(mention.outcome?.state).toBe('succeeded');
    expect(chatBodies().at(-1)).toEqual({ message: 'two hooks for a video', product_ids: [wallet] });
  });

  it('delivers a long answer as several messages, each within Discord’s 2,000 characters, none lost', async () => {
    await bot.command('discord', 'brief', { options: { message: 'twelve ad concepts in detail' } }, { id: 'brief-long' });
    const done = await bot.waitFor((await bot.jobOf('brief-long'))!.id);
    expect(done.outcome?.state).toBe('succeeded');
    const answer = done.outcome!.text!;
    expect(answer.length).toBeGreaterThan(4000);
    const texts = bot.platform.threadTexts(done.thread!.threadId!);
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(2000);
    expect(texts.join('\n\n')).toBe(answer);
    expect(done.textChunksDelivered).toBe(texts.length);
  });

  it('is also the model chat/krev/agent on /generate, which takes one brief at a time and no aspect ratio', async () => {
    await bot.command('slack', 'generate', { text: 'ideas for a launch --model chat/krev/agent' }, { id: 'gen-agent' });
    const agentJob = (await bot.jobOf('gen-agent'))!;
    expect(agentJob.request.modelId).toBe('chat/krev/agent');
    expect((await bot.waitFor(agentJob.id)).outcome?.state).toBe('succeeded');
    const many = await bot.command('slack', 'generate', { text: 'ideas --model chat/krev/agent --n 2' });
    expect(many.text).toBe('Krev’s agent works on one brief at a time; leave out `--n` (ask for several ideas in the brief itself).');
    const ratio = await bot.command('slack', 'generate', { text: 'ideas --model chat/krev/agent --ar 16:9' });
    expect(ratio.text).toBe('`chat/krev/agent` doesn\'t take an aspect ratio; leave out `--ar`.');
    const empty = await bot.command('discord', 'brief', { options: {} });
    expect(empty.text).toBe('Tell me what to make, for example `/brief message:three ad concepts for summer product:Leather Wallet`.');
  });

  it('a failed run ends the job as not billed, with Krev’s reason', async () => {
    bot.krevSim.control.failGenerations(1, 'The agent could not reach the image model');
    await bot.command('slack', 'brief', { text: 'a moody hero shot' }, { id: 'brief-fail' });
    const done = await bot.waitFor((await bot.jobOf('brief-fail'))!.id);
    expect(done.outcome).toMatchObject({ state: 'failed', charged: 'no' });
    expect(done.outcome?.message).toBe('Krev could not finish this chat run: The agent could not reach the image model. Krev refunds the credits of failed generations.');
  });

  it('a handle read back without its runId or pollUrl is refused, not guessed at', async () => {
    const err = await bot.krev.status({ providerJobId: 'run-1', modelId: 'chat/krev/agent', submittedAt: 0 }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'bad_request', retryable: false });
  });

  it('without a Krev key, says what an admin runs', async () => {
    const keyless = await startKrevBot({ serverKey: false });
    try {
      const r = await keyless.command('slack', 'brief', { text: 'anything' });
      expect(r.text).toBe('No Krev API key is set up for this workspace yet. An admin can add one with `/genbot connect krev` (the key is stored encrypted).');
    } finally {
      await keyless.close();
    }
  });
});

describe('Cancel on a brief', () => {
  let slow: KrevBot;
  beforeAll(async () => {
    slow = await startKrevBot({ jobMs: 5000 });
    slow.startWorker();
  });
  afterAll(() => slow.close());

  it('stops following the run (Krev cannot stop one) and posts nothing from it', async () => {
    await slow.command('slack', 'brief', { text: 'a long exploration' }, { id: 'brief-cancel' });
    const jobId = (await slow.jobOf('brief-cancel'))!.id;
    await slow.waitFor(jobId, (j) => j.operations.length > 0 && j.step === 'poll');
    expect(await slow.queue.requestCancel(jobId, ALICE)).toBe('requested');
    const done = await slow.waitFor(jobId);
    expect(done.outcome).toMatchObject({ state: 'cancelled', charged: 'unknown', reason: 'cancelled_unstoppable', cancelledBy: ALICE.userId });
    expect(done.outcome?.message).toContain('Krev cannot stop a job once it has started');
    expect(slow.platform.uploads).toHaveLength(0);
  });
});
