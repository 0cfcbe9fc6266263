/**
 * A real pipeline for tests: BullMQ on the real Redis (unique prefix), the Krea client against
 * the Krea simulator, the real Redis stores, and a recording chat platform.
 */
import { Redis } from 'ioredis';
import { downloadLimited } from '../../adapters/providers/http.js';
import { createKreaProvider } from '../../adapters/providers/krea/client.js';
import { startKreaSimulator, type KreaSimulator, type KreaSimulatorOptions } from '../../adapters/providers/krea/simulator/server.js';
import { createModelCatalog } from '../../adapters/providers/model-catalog.js';
import { createEditBudget } from '../../adapters/redis/edit-budget.js';
import { createMessageIndex, createSettingsStore } from '../../adapters/redis/stores.js';
import type { PipelineDeps } from '../../jobs/deps.js';
import { createGenerationQueue, type BullGenerationQueue } from '../../jobs/queue.js';
import { createGenerationWorker, type GenerationWorker } from '../../jobs/worker.js';
import { GENERATION_JOB_VERSION, type GenerationJob, type GenerationRequest, type NewGenerationJob } from '../../src/generation.js';
import { silentLogger } from '../../src/logger.js';
import { noopMetrics } from '../../src/metrics-port.js';
import type { ConversationRef, MediaFile, MediaRef, MessageRef } from '../../src/model.js';
import type { ChatPlatform, OutgoingFile } from '../../src/ports.js';
import { PlatformError } from '../../src/errors.js';
import type { MessageView } from '../../src/view.js';
import { DEFAULT_SETTINGS } from './memory-services.js';
import { testRedisUrl, uniquePrefix } from './redis-url.js';

export class RecordingPlatform implements ChatPlatform {
  readonly platform = 'slack' as const;
  readonly updates: Array<{ view: MessageView; priority: 'progress' | 'final' }> = [];
  readonly uploads: Array<{ to: ConversationRef; files: OutgoingFile[] }> = [];
  readonly posts: Array<{ to: ConversationRef; view: MessageView }> = [];
  readonly dms: Array<{ userId: string; view: MessageView }> = [];
  uploadLimit = 1e9;
  /** Progress edits answered with a 429 (the platform's rate limit). */
  rateLimitProgress = false;
  private n = 0;
  async post(to: ConversationRef, view: MessageView): Promise<MessageRef> {
    this.posts.push({ to, view });
    return { ...to, messageId: `p${++this.n}` };
  }
  async update(_m: MessageRef, view: MessageView, options: { priority: 'progress' | 'final' }) {
    if (options.priority === 'progress' && this.rateLimitProgress) throw new PlatformError('slack', 'rate_limited', 'ratelimited', 1000);
    this.updates.push({ view, priority: options.priority });
  }
  async openThread(m: MessageRef) {
    return { ...m, threadId: m.messageId };
  }
  /** As on Slack, a message's thread is named without a call. */
  threadOf(m: MessageRef) {
    return { ...m, threadId: m.threadId ?? m.messageId };
  }
  async upload(to: ConversationRef, files: OutgoingFile[]) {
    this.uploads.push({ to, files });
    return { media: [], messages: [{ ...to, messageId: `u${++this.n}` }] };
  }
  async maxUploadBytes() {
    return this.uploadLimit;
  }
  async download(media: MediaRef): Promise<MediaFile> {
    const res = await fetch(media.url);
    return { name: 'input.png', mimeType: res.headers.get('content-type') ?? 'image/png', bytes: new Uint8Array(await res.arrayBuffer()) };
  }
  async fetchMessageMedia() {
    return [];
  }
  async delete() {}
  async postEphemeral() {}
  async directMessage(_w: unknown, userId: string, view: MessageView) {
    this.dms.push({ userId, view });
  }
  async userCanRead() {
    return true;
  }
  get finalView(): MessageView | undefined {
    return this.updates.filter((u) => u.priority === 'final').at(-1)?.view;
  }
  /** All text of the final status view, neutral markdown. */
  get finalText(): string {
    return (this.finalView?.blocks ?? []).map((b) => (b.type === 'text' || b.type === 'context' ? b.text : b.type === 'progress' ? b.label : '')).join('\n');
  }
}

export interface Harness {
  sim: KreaSimulator;
  queue: BullGenerationQueue;
  platform: RecordingPlatform;
  redis: Redis;
  prefix: string;
  deps: PipelineDeps;
  startWorker(): GenerationWorker;
  enqueue(request?: Partial<GenerationRequest>, id?: string): Promise<string>;
  waitFor(jobId: string, done?: (job: GenerationJob) => boolean, timeoutMs?: number): Promise<GenerationJob>;
  close(): Promise<void>;
}

export async function createHarness(options: { sim?: KreaSimulatorOptions; edits?: { capacity: number; perMinute: number } } = {}): Promise<Harness> {
  const prefix = uniquePrefix('pipe');
  const sim = await startKreaSimulator({ jobDurationMs: 400, ...options.sim });
  const redis = new Redis(testRedisUrl());
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const logger = silentLogger();
  const krea = createKreaProvider({ baseUrl: sim.url, logger, requestTimeoutMs: 3000 });
  const clock = { now: () => Date.now() };
  const platform = new RecordingPlatform();
  const deps: PipelineDeps = {
    providers: { krea },
    resolveCredentials: async () => ({ apiKey: 'sim-token' }),
    platforms: { forWorkspace: async () => platform },
    catalog: createModelCatalog({ sources: [krea], logger }),
    settings: createSettingsStore({ redis, prefix, defaults: DEFAULT_SETTINGS, logger }),
    editBudget: createEditBudget({ redis, prefix, clock, ...(options.edits ?? { capacity: 100, perMinute: 6000 }) }),
    messageIndex: createMessageIndex({ redis, prefix }),
    fetchMedia: async (media, maxBytes) => {
      const { bytes, contentType } = await downloadLimited(media.url, maxBytes, { timeoutMs: 5000 });
      return { name: 'file', mimeType: contentType ?? 'application/octet-stream', bytes };
    },
    clock,
    logger,
    metrics: noopMetrics,
    limits: { maxInputBytes: 20 * 1024 * 1024, maxOutputBytes: 200 * 1024 * 1024 },
    timeScale: 0.05,
  };
  const queue = createGenerationQueue({ connection: redis, prefix });
  const workers: GenerationWorker[] = [];
  let counter = 0;

  return {
    sim,
    queue,
    platform,
    redis,
    prefix,
    deps,
    startWorker() {
      const worker = createGenerationWorker({ connection, prefix, concurrency: 4, deps, redis });
      workers.push(worker);
      return worker;
    },
    async enqueue(request = {}, id) {
      const jobId = id ?? `g-test-${++counter}`;
      const W = { platform: 'slack' as const, workspaceId: 'T1' };
      const job: NewGenerationJob = {
        v: GENERATION_JOB_VERSION,
        id: jobId,
        workspace: W,
        requester: { userId: 'UALICE', isAdmin: false },
        request: { provider: 'krea', modelId: 'image/bfl/flux-1-dev', kind: 'image', prompt: 'a red fox at dawn', width: 1360, height: 768, count: 1, inputs: [], params: {}, ...request },
        placement: { kind: 'here', conversation: { ...W, channelId: 'C1' } },
        step: 'announce',
        createdAt: Date.now(),
        deadlineAt: Date.now() + 60_000,
      };
      await queue.enqueue(job);
      return jobId;
    },
    async waitFor(jobId, done = (j) => j.step === 'done', timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const job = await queue.get(jobId);
        if (job && done(job)) return job;
        if (Date.now() > until) throw new Error(`job ${jobId} did not get there in time: ${JSON.stringify(job?.step)} ${JSON.stringify(job?.outcome)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queue.queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      connection.disconnect();
      await sim.close();
    },
  };
}
